import { Eta } from 'eta';
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { AdvisorAssignment, AdvisorContact } from '../advisors';
import type { LeadCallee, LeadCallees } from '../leads';
import { formatOfficeTime, officeClockTime, type OfficeHours } from '../office-hours';
import type { CallNotificationKind, ClaimedNotification } from '../outbox';
import { withTransaction, type Database } from '../platform/database';
import type { MailAddress, OutgoingMail } from '../platform/mailer';
import { VIEWS_DIR } from '../platform/views';
import { callbackRepository as calls, type Call } from './callback-repository';
import type { CallTokens } from './call-tokens';

export interface CallMailDeps {
  db: Database;
  officeHours: OfficeHours;
  siteName: string;
  admissionsPhone: string;
  baseUrl: string;
  mailFrom: string;
  admissionsEmail: readonly string[];
  callees: LeadCallees;
  advisors: Pick<AdvisorAssignment, 'contacts'>;
  tokens: CallTokens;
}

/** No header ever carries a line break, whatever got past validation. */
function headerSafe(value: string): string {
  // oxlint-disable-next-line no-control-regex -- removing control characters is the point
  return value.replace(/[\r\n\u2028\u2029\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The iCalendar entry of a call: one UID for the life of the call, SEQUENCE for each booking, times in UTC. */
export function callCalendar(call: Call, callee: LeadCallee, options: { siteName: string; baseUrl: string; advisorName: string | null; manageUrl: string }): string {
  const calendar = ical({ prodId: { company: options.siteName, product: 'Frontdesk', language: 'EN' }, method: ICalCalendarMethod.PUBLISH, name: `${options.siteName} Admissions` });
  const host = new URL(options.baseUrl).hostname || 'frontdesk';
  const caller = options.advisorName ?? 'An admissions advisor';
  calendar.createEvent({
    id: `callback-${call.id}@${host}`,
    sequence: call.sequence,
    stamp: call.bookedAt,
    start: call.scheduledFor,
    end: call.endsAt,
    summary: `Call from ${options.siteName} Admissions`,
    description: `${caller} from ${options.siteName} will call you on ${callee.phone}.\n\nChange or cancel: ${options.manageUrl}`,
    location: `Phone: ${callee.phone}`,
    url: options.manageUrl,
  });
  return calendar.toString();
}

/**
 * The mail about a call, built when it is sent: the person's confirmation
 * (with its .ics), the advisor's "call now", reminder and cancellation.
 * `whileCurrent` builds it with the call's row held (FOR SHARE) until the
 * send is recorded, so a move or a cancellation — which takes the row FOR
 * UPDATE — either comes first (and this row is found stale and never sent)
 * or waits until the send is over.
 */
export function createCallMail(deps: CallMailDeps) {
  const html = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true });
  const text = new Eta({ views: VIEWS_DIR, autoEscape: false, autoTrim: false, cache: true });
  const render = (template: string, data: object) => ({ text: text.render(`emails/${template}.text.eta`, data), html: html.render(`emails/${template}.html.eta`, data) });
  const site = { name: deps.siteName, phone: deps.admissionsPhone, baseUrl: deps.baseUrl };
  const addressOf = (advisor: AdvisorContact): MailAddress => ({ name: headerSafe(advisor.name), address: headerSafe(advisor.email) });

  function build(kind: CallNotificationKind, call: Call, callee: LeadCallee, advisor: AdvisorContact | null): OutgoingMail {
    const name = `${callee.firstName} ${callee.lastName}`;
    const when = formatOfficeTime(deps.officeHours, call.scheduledFor);
    const manageUrl = `${deps.baseUrl}/callbacks/${call.id}/manage?token=${deps.tokens.callToken(call.id)}`;
    const data = { call, callee, advisor, site, when, clock: officeClockTime(deps.officeHours, call.scheduledFor), manageUrl, adminUrl: `${deps.baseUrl}/admin/leads/${callee.id}` };
    const headers = { 'X-Frontdesk-Leads': callee.id, 'X-Frontdesk-Callback': call.id };
    const toAdvisor = advisor ? addressOf(advisor) : [...deps.admissionsEmail];
    switch (kind) {
      case 'callback_confirmation':
        return {
          from: deps.mailFrom,
          to: { name: headerSafe(name), address: headerSafe(callee.email) },
          subject: headerSafe(call.kind === 'now' ? `We'll call you shortly, ${callee.firstName}` : `Your call with admissions: ${when}`),
          ...render('callback-confirmation', data),
          headers,
          attachments: [{
            filename: 'call.ics',
            contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
            content: callCalendar(call, callee, { siteName: deps.siteName, baseUrl: deps.baseUrl, advisorName: advisor?.name ?? null, manageUrl }),
          }],
        };
      case 'callback_now':
        return { from: deps.mailFrom, to: toAdvisor, subject: headerSafe(`Call now: ${name} — ${callee.phone}`), ...render('callback-now', data), headers };
      case 'callback_reminder':
        return { from: deps.mailFrom, to: toAdvisor, subject: headerSafe(`Call at ${data.clock}: ${name}`), ...render('callback-reminder', data), headers };
      case 'callback_cancelled':
        return { from: deps.mailFrom, to: toAdvisor, subject: headerSafe(`Call cancelled: ${name} — ${data.clock}`), ...render('callback-cancelled', data), headers };
    }
  }

  return {
    /**
     * Runs `work` with the row's mail while the call is as it was when the
     * row was queued (same sequence, and booked — or cancelled, for a
     * cancellation); with null when it has changed since, or is gone.
     */
    async whileCurrent<T>(row: ClaimedNotification, work: (mail: OutgoingMail | null) => Promise<T>): Promise<T> {
      if (!row.callbackId) return work(null);
      const callbackId = row.callbackId;
      return withTransaction(deps.db.pool, async (tx) => {
        const call = await calls.find(tx, callbackId, { lock: 'share' });
        const wantStatus = row.kind === 'callback_cancelled' ? 'cancelled' : 'booked';
        if (!call || call.sequence !== row.callbackSequence || call.status !== wantStatus) return work(null);
        const callee = (await deps.callees.find([call.leadId], tx)).get(call.leadId);
        if (!callee) return work(null);
        const advisor = call.advisorId ? ((await deps.advisors.contacts(tx, [call.advisorId])).get(call.advisorId) ?? null) : null;
        return work(build(row.kind as CallNotificationKind, call, callee, advisor));
      });
    },
  };
}

export type CallMail = ReturnType<typeof createCallMail>;
