import { DateTime } from 'luxon';
import { openPeriods, stackedBarChart, summariseArrivals, datesBetween, weekHeatmap, type ArrivalCount, type ArrivalSummary } from '../../insights';
import { hoursLabel, type OfficeHours } from '../../office-hours';
import type { CallFigures, SpeedFigures, SpeedReport } from '../../leads';

const DAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A figure row with its within-target share: a fraction 0–1, null when no lead's outcome is known yet. */
export type FiguresWithShare = SpeedFigures & { withinTargetShare: number | null };

export function withShare<T extends SpeedFigures>(figures: T): T & { withinTargetShare: number | null } {
  return { ...figures, withinTargetShare: figures.judged > 0 ? figures.withinTarget / figures.judged : null };
}

/** What /admin/dashboard.json answers (docs/http-api.md). */
export function dashboardJson(input: { from: Date; until: Date; now: Date; office: OfficeHours; targetSeconds: number; report: SpeedReport; arrivals: ArrivalSummary; calls: CallFigures }) {
  const { report, arrivals } = input;
  return {
    from: input.from.toISOString(),
    until: input.until.toISOString(),
    generatedAt: input.now.toISOString(),
    timezone: input.office.timezone,
    targetSeconds: input.targetSeconds,
    totals: withShare(report.totals),
    advisors: report.advisors.map((advisor) => withShare(advisor)),
    programs: report.programs.map((program) => withShare(program)),
    calls: input.calls,
    charts: {
      leadsPerDay: arrivals.days,
      arrivalsByHour: { days: DAY_LABELS, counts: arrivals.byHour },
      officeHours: openPeriods(input.office).map((period) => ({ day: DAY_LABELS[period.day]!, from: clock(period.from), to: clock(period.to) })),
    },
  };
}

export type DashboardJson = ReturnType<typeof dashboardJson>;

/** The charts as inline SVG, with their descriptions in words. */
export function dashboardCharts(data: DashboardJson, office: OfficeHours) {
  const days = data.charts.leadsPerDay;
  const open = days.reduce((sum, day) => sum + day.open, 0);
  const closed = days.reduce((sum, day) => sum + day.closed, 0);
  const busiest = days.reduce<(typeof days)[number] | undefined>((best, day) => (!best || day.open + day.closed > best.open + best.closed ? day : best), undefined);
  const dayLabel = (date: string) => DateTime.fromISO(date, { zone: office.timezone }).toFormat('ccc d');
  const perDayDescription =
    open + closed === 0
      ? `No leads arrived between ${dayLabel(days[0]?.date ?? '')} and ${dayLabel(days.at(-1)?.date ?? '')}.`
      : `${open + closed} leads over ${days.length} days: ${open} arrived while the office was open and ${closed} while it was closed ` +
        `(${Math.round((closed / (open + closed)) * 100)} % closed). The busiest day was ${dayLabel(busiest!.date)} with ${busiest!.open + busiest!.closed}.`;

  const counts = data.charts.arrivalsByHour.counts;
  let peak = { day: 0, hour: 0, count: 0 };
  counts.forEach((hours, day) => hours.forEach((count, hour) => (count > peak.count ? (peak = { day, hour, count }) : undefined)));
  const periods = openPeriods(office);
  const heatDescription =
    (peak.count === 0
      ? 'No leads arrived in this range.'
      : `The busiest hour of the week was ${DAY_NAMES[peak.day]} ${clock(peak.hour * 60)}–${clock(peak.hour * 60 + 60)} with ${peak.count} leads. `) +
    ` Office hours outlined: ${hoursLabel(office)}.`;

  return {
    perDay: {
      description: perDayDescription,
      svg: stackedBarChart({
        id: 'chart-per-day',
        title: 'Leads per day, by whether the office was open when they arrived',
        description: perDayDescription,
        categories: days.map((day) => dayLabel(day.date)),
        series: [
          { name: 'Office open', className: 'chart-fill--open', color: '#1e6b3a', values: days.map((day) => day.open) },
          { name: 'Office closed', className: 'chart-fill--closed', color: '#8a4b08', values: days.map((day) => day.closed) },
        ],
      }),
      rows: days.map((day) => ({ label: DateTime.fromISO(day.date, { zone: office.timezone }).toFormat('ccc d LLL'), open: day.open, closed: day.closed })),
    },
    byHour: {
      description: heatDescription.trim(),
      svg: weekHeatmap({ id: 'chart-by-hour', title: 'Arrivals by hour of the week, office hours outlined', description: heatDescription.trim(), dayLabels: DAY_LABELS, counts, open: periods }),
      days: DAY_LABELS,
      rows: Array.from({ length: 24 }, (_, hour) => ({ label: clock(hour * 60), counts: counts.map((hours) => hours[hour] ?? 0) })),
    },
  };
}

/**
 * Seconds of office time for people: "42 s", "7 min 05 s", then whole
 * minutes from 10 minutes on ("34 min", "2 h 10 min"): seconds stop
 * mattering there, and the headline figures stay on one line.
 */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 600) return `${Math.floor(whole / 60)} min${whole % 60 === 0 ? '' : ` ${String(whole % 60).padStart(2, '0')} s`}`;
  const minutes = Math.round(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 === 0 ? '' : ` ${String(minutes % 60).padStart(2, '0')} min`}`;
}

export function formatShare(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)} %`;
}

export function summariseArrivalCounts(office: OfficeHours, counts: readonly ArrivalCount[], from: Date, until: Date): ArrivalSummary {
  return summariseArrivals(office, counts, datesBetween(from, until, office.timezone));
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
