import { Eta } from 'eta';
import type { Config } from '../config/config';
import { EDUCATION_LEVELS } from '../inquiries';
import { formatOfficeTime, replyExpectation } from '../office-hours';
import type { Database } from '../platform/database';
import type { MailAddress, OutgoingMail } from '../platform/mailer';
import { VIEWS_DIR } from '../platform/views';

/** Digests list at most this many leads; the rest are a link away in admin. */
export const DIGEST_LIST_LIMIT = 100;

export interface LeadForEmail {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  postalCode: string | null;
  programName: string;
  educationLevel: string | null;
  message: string | null;
  articleSlug: string | null;
  articleTitle: string | null;
  utm: Array<[string, string]>;
  referrer: string | null;
  duplicateOfId: string | null;
  receivedAt: string;
  adminUrl: string;
}

function utmPairs(tags: Record<string, string | null>): Array<[string, string]> {
  return Object.entries(tags).filter((pair): pair is [string, string] => pair[1] !== null);
}

/** No header ever carries a line break, whatever got past validation. */
export function headerSafe(value: string): string {
  // oxlint-disable-next-line no-control-regex -- removing control characters is the point
  return value.replace(/[\r\n\u2028\u2029\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * Builds the three kinds of email from views/emails: an admissions email for
 * one lead, the digest of leads that arrived while the office was closed,
 * and the auto-reply to the person. HTML parts are escaped by Eta; text parts
 * come from a second Eta instance without HTML escaping.
 */
export function createEmailContent(deps: { db: Database; config: Config }) {
  const { config } = deps;
  const html = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true });
  // Text parts keep their line breaks exactly as the templates write them.
  const text = new Eta({ views: VIEWS_DIR, autoEscape: false, autoTrim: false, cache: true });
  const adminUrl = (id: string) => `${config.baseUrl}/admin/leads/${id}`;
  const educationLabel = new Map<string, string>(EDUCATION_LEVELS.map((level) => [level.value, level.label]));

  async function loadLeads(ids: string[]): Promise<Map<string, LeadForEmail>> {
    const leads = await deps.db.lead.findMany({ where: { id: { in: ids } }, include: { program: true }, orderBy: { id: 'asc' } });
    const slugs = [...new Set(leads.map((lead) => lead.articleSlug).filter((slug): slug is string => slug !== null))];
    const articles = await deps.db.article.findMany({ where: { slug: { in: slugs } }, select: { slug: true, title: true } });
    const titles = new Map(articles.map((article) => [article.slug, article.title]));
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
          programName: `${lead.program.name} (${lead.program.level})`,
          educationLevel: lead.educationLevel ? (educationLabel.get(lead.educationLevel) ?? lead.educationLevel) : null,
          message: lead.message,
          articleSlug: lead.articleSlug,
          articleTitle: lead.articleSlug ? (titles.get(lead.articleSlug) ?? lead.articleSlug) : null,
          utm: utmPairs({ source: lead.utmSource, medium: lead.utmMedium, campaign: lead.utmCampaign, term: lead.utmTerm, content: lead.utmContent }),
          referrer: lead.referrer,
          duplicateOfId: lead.duplicateOfId,
          receivedAt: formatOfficeTime(config.officeHours, lead.createdAt),
          adminUrl: adminUrl(lead.id),
        },
      ]),
    );
  }

  const render = (template: string, data: object) => ({ text: text.render(`emails/${template}.text.eta`, data), html: html.render(`emails/${template}.html.eta`, data) });
  const site = { name: config.siteName, phone: config.admissionsPhone, baseUrl: config.baseUrl };

  return {
    loadLeads,

    admissions(lead: LeadForEmail): OutgoingMail {
      const data = { lead, site, duplicateUrl: lead.duplicateOfId ? adminUrl(lead.duplicateOfId) : null };
      return {
        from: config.mailFrom,
        to: [...config.admissionsEmail],
        replyTo: { name: headerSafe(`${lead.firstName} ${lead.lastName}`), address: headerSafe(lead.email) },
        subject: headerSafe(`New inquiry: ${lead.firstName} ${lead.lastName} — ${lead.programName.replace(/ \(.*\)$/, '')}`),
        ...render('admissions-lead', data),
        headers: { 'X-Frontdesk-Leads': lead.id },
      };
    },

    digest(leads: LeadForEmail[], total: number): OutgoingMail {
      const listed = leads.slice(0, DIGEST_LIST_LIMIT);
      const data = { leads: listed, total, more: total - listed.length, site, listUrl: `${config.baseUrl}/admin/leads` };
      return {
        from: config.mailFrom,
        to: [...config.admissionsEmail],
        subject: `${total} ${total === 1 ? 'inquiry' : 'inquiries'} received while the office was closed`,
        ...render('digest', data),
        headers: { 'X-Frontdesk-Leads': leads.map((lead) => lead.id).join(' ') },
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
