import { Eta } from 'eta';
import type { AdvisorContact } from '../advisors';
import type { Config } from '../config/config';
import { educationLabel, type LeadRepository, type LeadWithContext } from '../leads';
import { formatOfficeTime, replyExpectation } from '../office-hours';
import type { MailAddress, OutgoingMail } from '../platform/mailer';
import { VIEWS_DIR } from '../platform/views';

/** Digests list at most this many leads; the rest are a link away in admin. */
export const DIGEST_LIST_LIMIT = 100;

/** A lead as the templates show it: names and labels instead of codes, times in office time. */
export type LeadForEmail = Pick<
  LeadWithContext,
  'id' | 'firstName' | 'lastName' | 'email' | 'phone' | 'postalCode' | 'message' | 'articleSlug' | 'referrer' | 'duplicateOfId'
> & {
  /** "Name (Level)". */
  programName: string;
  educationLevel: string | null;
  articleTitle: string | null;
  utm: Array<[string, string]>;
  receivedAt: string;
  adminUrl: string;
  /** The advisor the lead is assigned to; null when unassigned. */
  advisor: AdvisorContact | null;
};

function utmPairs(tags: Record<string, string | null>): Array<[string, string]> {
  return Object.entries(tags).filter((pair): pair is [string, string] => pair[1] !== null);
}

/** No header ever carries a line break, whatever got past validation. */
export function headerSafe(value: string): string {
  // oxlint-disable-next-line no-control-regex -- removing control characters is the point
  return value.replace(/[\r\n\u2028\u2029\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** "22 minutes of office time", "1 hour 5 minutes of office time". */
export function officeDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  const parts = hours > 0 ? [plural(hours, 'hour'), ...(minutes % 60 > 0 ? [plural(minutes % 60, 'minute')] : [])] : [plural(minutes, 'minute')];
  return `${parts.join(' ')} of office time`;
}

/**
 * Builds the kinds of email from views/emails: an admissions email for
 * one lead, the digest of leads that arrived while the office was closed
 * (the team's, and each advisor's own), the escalation of an overdue lead,
 * and the auto-reply to the person. HTML parts are escaped by Eta; text parts
 * come from a second Eta instance without HTML escaping.
 */
export function createEmailContent(deps: {
  leads: Pick<LeadRepository, 'withContext'>;
  config: Config;
  /** Each lead's advisor, for leads that have one; without it every lead is unassigned. */
  advisorsOf?: (leadIds: string[]) => Promise<Map<string, AdvisorContact>>;
}) {
  const { config } = deps;
  const html = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true });
  // Text parts keep their line breaks exactly as the templates write them.
  const text = new Eta({ views: VIEWS_DIR, autoEscape: false, autoTrim: false, cache: true });
  const adminUrl = (id: string) => `${config.baseUrl}/admin/leads/${id}`;

  async function loadLeads(ids: string[]): Promise<Map<string, LeadForEmail>> {
    const [leads, advisors] = await Promise.all([deps.leads.withContext(ids), deps.advisorsOf?.(ids) ?? new Map<string, AdvisorContact>()]);
    return new Map(
      leads.map((lead) => [
        lead.id,
        {
          id: lead.id,
          firstName: lead.firstName,
          lastName: lead.lastName,
          email: lead.email,
          phone: lead.phone,
          postalCode: lead.postalCode,
          message: lead.message,
          articleSlug: lead.articleSlug,
          referrer: lead.referrer,
          duplicateOfId: lead.duplicateOfId,
          programName: `${lead.programName} (${lead.programLevel})`,
          educationLevel: educationLabel(lead.educationLevel),
          articleTitle: lead.articleSlug ? (lead.articleTitle ?? lead.articleSlug) : null,
          utm: utmPairs({ source: lead.utmSource, medium: lead.utmMedium, campaign: lead.utmCampaign, term: lead.utmTerm, content: lead.utmContent }),
          receivedAt: formatOfficeTime(config.officeHours, lead.createdAt),
          adminUrl: adminUrl(lead.id),
          advisor: advisors.get(lead.id) ?? null,
        },
      ]),
    );
  }

  const render = (template: string, data: object) => ({ text: text.render(`emails/${template}.text.eta`, data), html: html.render(`emails/${template}.html.eta`, data) });
  const site = { name: config.siteName, phone: config.admissionsPhone, baseUrl: config.baseUrl };
  const programOnly = (lead: LeadForEmail) => lead.programName.replace(/ \(.*\)$/, '');
  const addressOf = (advisor: AdvisorContact): MailAddress => ({ name: headerSafe(advisor.name), address: headerSafe(advisor.email) });
  const closedHeading = (total: number) => `${total} ${total === 1 ? 'inquiry' : 'inquiries'} received while the office was closed`;

  function digestMail(to: OutgoingMail['to'], subject: string, leads: LeadForEmail[], total: number, showAdvisors: boolean): OutgoingMail {
    const listed = leads.slice(0, DIGEST_LIST_LIMIT);
    const data = { leads: listed, total, more: total - listed.length, site, listUrl: `${config.baseUrl}/admin/leads`, heading: subject, showAdvisors };
    return {
      from: config.mailFrom,
      to,
      subject,
      ...render('digest', data),
      headers: { 'X-Frontdesk-Leads': leads.map((lead) => lead.id).join(' ') },
    };
  }

  return {
    loadLeads,

    admissions(lead: LeadForEmail): OutgoingMail {
      const data = { lead, site, duplicateUrl: lead.duplicateOfId ? adminUrl(lead.duplicateOfId) : null };
      return {
        from: config.mailFrom,
        // An assigned lead goes to its advisor; an unassigned one to the team, as ever.
        to: lead.advisor ? addressOf(lead.advisor) : [...config.admissionsEmail],
        replyTo: { name: headerSafe(`${lead.firstName} ${lead.lastName}`), address: headerSafe(lead.email) },
        subject: headerSafe(`New inquiry: ${lead.firstName} ${lead.lastName} — ${programOnly(lead)}`),
        ...render('admissions-lead', data),
        headers: { 'X-Frontdesk-Leads': lead.id },
      };
    },

    /**
     * The team's digest of leads held overnight. Once any of them has an
     * advisor it names each lead's advisor ("Unassigned" for the others);
     * an office routing nothing gets the digest of §7 unchanged.
     */
    digest(leads: LeadForEmail[], total: number): OutgoingMail {
      return digestMail([...config.admissionsEmail], closedHeading(total), leads, total, leads.some((lead) => lead.advisor !== null));
    },

    /** One advisor's own leads among those held overnight. */
    advisorDigest(advisor: AdvisorContact, leads: LeadForEmail[], total: number): OutgoingMail {
      const subject = `${total} ${total === 1 ? 'inquiry' : 'inquiries'} assigned to you while the office was closed`;
      return digestMail(addressOf(advisor), subject, leads, total, false);
    },

    /** An overdue lead: to its advisor (and the new one, if it moved) and the escalation address. */
    escalation(lead: LeadForEmail, details: { advisor: AdvisorContact | null; reassignedTo: AdvisorContact | null; waitedMs: number }): OutgoingMail {
      const advisors = [details.advisor, details.reassignedTo].flatMap((advisor) => (advisor ? [headerSafe(advisor.email)] : []));
      const to = [...new Set([...advisors, ...config.escalationEmail])];
      const data = { lead, site, advisor: details.advisor, reassignedTo: details.reassignedTo, waited: officeDuration(details.waitedMs) };
      return {
        from: config.mailFrom,
        to,
        subject: headerSafe(`Overdue: ${lead.firstName} ${lead.lastName} — ${programOnly(lead)}`),
        ...render('escalation', data),
        headers: { 'X-Frontdesk-Leads': lead.id },
      };
    },

    autoreply(lead: LeadForEmail, inquiredAt: Date): OutgoingMail {
      const to: MailAddress = { name: headerSafe(`${lead.firstName} ${lead.lastName}`), address: headerSafe(lead.email) };
      const data = { lead, site, expectation: replyExpectation(config.officeHours, inquiredAt), hours: config.officeHours };
      return {
        from: config.mailFrom,
        to,
        subject: headerSafe(`We received your question, ${lead.firstName}`),
        ...render('autoreply', data),
        headers: { 'X-Frontdesk-Leads': lead.id },
      };
    },
  };
}

export type EmailContent = ReturnType<typeof createEmailContent>;
