import { DateTime } from 'luxon';
import { locate } from './office-clock';
import { WEEKDAYS, minutesOfDay, type OfficeHours, type Weekday } from './schedule';

/**
 * Every sentence that tells a visitor when the office is open or will reply.
 * Pages, the thanks page and emails all use these, so they never disagree.
 * Wording is US English; specific times name the zone as it is on that date
 * (EST or EDT), the posted hours name it generically (ET).
 */

/** Zone rules of this year name the zone in the posted hours; fixed so the label never depends on the clock. */
const LABEL_REFERENCE_YEAR = 2026;

/** "Mon–Fri 9am–9pm, Sat 10am–2pm ET"; a 00:00-24:00 segment reads "all day". */
export function hoursLabel(office: OfficeHours): string {
  const segments = office.segments.map((segment) => `${daysLabel(segment.days)} ${segmentTimes(segment)}`);
  return `${segments.join(', ')} ${genericZoneName(office.timezone)}`;
}

/**
 * The banner's phrasing, times first: "9am–9pm ET Mon–Fri". With several
 * segments it falls back to the days-first label, which reads better as a list.
 */
export function bannerHoursLabel(office: OfficeHours): string {
  const [only, ...others] = office.segments;
  if (!only || others.length > 0) return hoursLabel(office);
  return `${segmentTimes(only)} ${genericZoneName(office.timezone)} ${daysLabel(only.days)}`;
}

function segmentTimes(segment: OfficeHours['segments'][number]): string {
  return segment.open === '00:00' && segment.close === '24:00' ? 'all day' : `${timeLabel(segment.open)}–${timeLabel(segment.close)}`;
}

/** The zone's abbreviation at `at`: "EST" or "EDT", "GMT" or "BST", "GMT+9" where there is no common one. */
export function zoneAbbreviation(office: OfficeHours, at: Date): string {
  return shortZoneName(inZone(office, at));
}

/** "Mon, Nov 30, 2026, 9:00 AM EST": a specific time for emails and admin. */
export function formatOfficeTime(office: OfficeHours, at: Date): string {
  const local = inZone(office, at);
  return `${local.toFormat('ccc, LLL d, yyyy, h:mm a')} ${shortZoneName(local)}`;
}

/** "9:15 AM EST": a time of day in the office zone, named as it is on that date. */
export function officeClockTime(office: OfficeHours, at: Date): string {
  return clockTime(inZone(office, at));
}

/** "Monday, November 30" (with the year when it is not `now`'s): a date in the office zone. */
export function officeDayLabel(office: OfficeHours, at: Date, now: Date = at): string {
  return longDate(inZone(office, now), inZone(office, at));
}

/** The office-local day holding `at`, as instants: [its midnight, the next midnight). */
export function officeDayBounds(office: OfficeHours, at: Date): { start: Date; end: Date } {
  const day = inZone(office, at).startOf('day');
  return { start: day.toJSDate(), end: day.plus({ days: 1 }).toJSDate() };
}

/** "2026-11-30": the office-local date of an instant. */
export function officeDate(office: OfficeHours, at: Date): string {
  return inZone(office, at).toISODate() ?? '';
}

export interface BannerStatus {
  open: boolean;
  text: string;
}

/** The banner on every page: "Open now — …" or "Closed — we'll reply Monday after 9:00 AM EST". */
export function bannerStatus(office: OfficeHours, at: Date): BannerStatus {
  const situation = locate(office, at);
  if (situation.open) return OPEN_BANNER;
  return closedBanner(office, at, situation.opensAt === null ? null : new Date(situation.opensAt));
}

export const OPEN_BANNER: BannerStatus = Object.freeze({ open: true, text: 'Open now — an advisor will reply today' });

/** The banner while closed at `at`, given the next opening (null: none within the horizon). */
export function closedBanner(office: OfficeHours, at: Date, opensAt: Date | null): BannerStatus {
  if (opensAt === null) return { open: false, text: "Closed — we'll reply as soon as the office reopens" };

  const now = inZone(office, at);
  const opening = inZone(office, opensAt);
  const days = calendarDaysBetween(now, opening);
  // A weekday name is unambiguous only within the coming week.
  const when =
    days === 0
      ? 'today'
      : days === 1
        ? 'tomorrow'
        : days < 7
          ? opening.toFormat('cccc')
          : `on ${opening.toFormat('ccc, LLL d')}${yearIfDifferent(now, opening)}`;
  return { open: false, text: `Closed — we'll reply ${when} after ${clockTime(opening)}` };
}

/**
 * One sentence for the thanks page and the auto-reply. Dates are absolute
 * (not "tomorrow") because an email is often read on another day.
 */
export function replyExpectation(office: OfficeHours, at: Date): string {
  const situation = locate(office, at);
  const now = inZone(office, at);
  if (situation.open) {
    if (situation.closesAt === null) return 'An admissions advisor will reply today.';
    const closing = inZone(office, new Date(situation.closesAt));
    return calendarDaysBetween(now, closing) === 0
      ? `An admissions advisor will reply today, before ${clockTime(closing)}.`
      : `An admissions advisor will reply before ${clockTime(closing)} on ${longDate(now, closing)}.`;
  }
  if (situation.opensAt === null) {
    return 'Our office is closed now. An advisor will reply as soon as the office reopens.';
  }
  const opening = inZone(office, new Date(situation.opensAt));
  const when = calendarDaysBetween(now, opening) === 0 ? 'today' : longDate(now, opening);
  return `Our office is closed now. An advisor will reply ${when} after ${clockTime(opening)}.`;
}

function inZone(office: OfficeHours, at: Date): DateTime {
  // A fixed locale keeps wording identical whatever the server's locale is.
  return DateTime.fromJSDate(at, { zone: office.timezone }).setLocale('en-US');
}

/** "9:00 AM EST" */
function clockTime(local: DateTime): string {
  return `${local.toFormat('h:mm a')} ${shortZoneName(local)}`;
}

/** "Monday, November 30", with the year when it is not the current one. */
function longDate(now: DateTime, target: DateTime): string {
  return `${target.toFormat('cccc, LLLL d')}${yearIfDifferent(now, target)}`;
}

function yearIfDifferent(now: DateTime, target: DateTime): string {
  return now.year === target.year ? '' : `, ${target.year}`;
}

/** Local calendar dates apart, immune to 23- and 25-hour days. */
function calendarDaysBetween(from: DateTime, to: DateTime): number {
  const date = (local: DateTime) => Date.UTC(local.year, local.month - 1, local.day);
  return Math.round((date(to) - date(from)) / 86_400_000);
}

const GMT_OFFSET = /^(GMT|UTC)[+\-\u2212]/;

/**
 * ICU's en-US names cover the Americas (EST, CDT, AKST) but give "GMT+1" for
 * Europe; en-GB knows GMT/BST and CET/CEST. Where neither has a name the
 * offset itself ("GMT+9") is still correct and unambiguous.
 */
function shortZoneName(local: DateTime): string {
  const american = local.setLocale('en-US').offsetNameShort ?? local.toFormat('ZZ');
  if (!GMT_OFFSET.test(american)) return american;
  const british = local.setLocale('en-GB').offsetNameShort ?? american;
  return GMT_OFFSET.test(british) ? american : british;
}

/**
 * The zone's name for posted hours, valid all year:
 * - no DST: its one name (America/Phoenix → MST, Asia/Tokyo → GMT+9, UTC);
 * - an XST/XDT pair: XT (EST/EDT → ET, CST/CDT → CT, AKST/AKDT → AKT);
 * - another pair of names: both, standard first (GMT/BST, CET/CEST);
 * - otherwise the IANA name (Australia/Sydney), as ICU gives only offsets.
 */
export function genericZoneName(timezone: string): string {
  const [standard, daylight] = [1, 7]
    .map((month) => DateTime.fromObject({ year: LABEL_REFERENCE_YEAR, month, day: 15 }, { zone: timezone }))
    .sort((a, b) => a.offset - b.offset)
    .map(shortZoneName);
  if (standard === undefined || daylight === undefined) return timezone;
  if (standard === daylight) return standard;
  const prefix = /^([A-Z]+)ST$/.exec(standard)?.[1];
  if (prefix && daylight === `${prefix}DT`) return `${prefix}T`;
  if (!GMT_OFFSET.test(standard) && !GMT_OFFSET.test(daylight)) return `${standard}/${daylight}`;
  return timezone;
}

/** Runs of consecutive days, around the week's end too: "Mon–Fri", "Sat, Sun", "Fri–Mon", "Mon, Wed". */
function daysLabel(days: readonly Weekday[]): string {
  const on = WEEKDAYS.map((day) => days.includes(day));
  if (on.every(Boolean)) return 'Mon–Sun';
  const runs: string[] = [];
  on.forEach((isOn, start) => {
    if (!isOn || on[(start + 6) % 7]) return; // not the first day of a run
    let length = 1;
    while (on[(start + length) % 7]) length++;
    const first = WEEKDAYS[start];
    const last = WEEKDAYS[(start + length - 1) % 7];
    runs.push(length === 1 ? `${first}` : length === 2 ? `${first}, ${last}` : `${first}–${last}`);
  });
  return runs.join(', ');
}

/** "9am", "9:30pm", "12pm" for noon, "12am" for midnight (00:00 and 24:00). */
function timeLabel(time: string): string {
  const minutes = minutesOfDay(time) % (24 * 60);
  const hour = Math.floor(minutes / 60);
  const minute = minutes % 60;
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${hour12}${minute ? `:${String(minute).padStart(2, '0')}` : ''}${hour < 12 ? 'am' : 'pm'}`;
}
