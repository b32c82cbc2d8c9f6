import type { LeadRepository, LeadTransaction, StoredLead } from '../leads';
import { outboxRows } from '../outbox';
import { createOfficeState, type OfficeHours } from '../office-hours';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { ProgramCatalog } from '../programs';
import type { ConsentDisclosure } from './consent';
import type { InquiryMetrics } from './inquiry-metrics';
import { parseAttribution, parseInquiry, type FieldIssue } from './inquiry-schema';

/**
 * The inquiry flow shared by the form and the API, after the HTTP-level
 * checks (origin, rate limit, body, form token):
 *   validate → decide spam → store lead + consent + its mail in one
 *   statement (one transaction) → say when admissions will be told.
 * It knows nothing of HTTP: the routes turn the outcome into a page or JSON.
 * Database failures propagate: the caller answers 503 and never claims success.
 */
export interface InquirySubmission {
  /** The fields as sent: the person's and the form's hidden attribution fields. */
  fields: Record<string, unknown>;
  /** The form token says the form was sent faster than a person could fill it in. */
  sentTooFast: boolean;
  /** The endpoint it came through (`/inquiries`, `/api/inquiries`): the consent's page when the fields name no article that exists. */
  endpointPath: string;
  ip: string;
  userAgent: string;
  /** Runs inside the lead's transaction once it is stored: what must commit with it (the API's idempotency record). */
  alsoInTransaction?: (tx: LeadTransaction, accepted: { leadId: string; notifyAdmissionsAt: Date | null }) => Promise<void>;
}

export type InquiryOutcome =
  /** A new lead, or (`duplicate`) one linked to an earlier lead from the same address. */
  | { outcome: 'accepted' | 'duplicate'; lead: StoredLead; notifyAdmissionsAt: Date | null }
  /** Honeypot filled or sent too fast: stored as spam when it validates, never emailed. Its sender must see a success. */
  | { outcome: 'spam'; lead: StoredLead | null; notifyAdmissionsAt: Date | null }
  | { outcome: 'invalid'; issues: FieldIssue[] };

export interface SubmitInquiryDeps {
  leads: LeadRepository;
  programs: ProgramCatalog;
  officeHours: OfficeHours;
  consent: ConsentDisclosure;
  /** BASE_URL: consent records name the article page the inquiry came from. */
  baseUrl: string;
  /** Whether an article is published: a consent record names only a page that exists. */
  articleExists: (slug: string) => Promise<boolean>;
  /** AUTOREPLY: queue a confirmation to the person as well. */
  autoreply: boolean;
  clock: Clock;
  logger: Logger;
  metrics: InquiryMetrics;
}

export function createSubmitInquiry(deps: SubmitInquiryDeps) {
  const { leads, metrics, logger } = deps;
  const officeState = createOfficeState(deps.officeHours);
  /** Admissions hears now when the office is open, else at the next opening (null if it never opens). */
  const notifyAt = (now: Date) => {
    const state = officeState(now);
    return state.open ? now : state.opensAt;
  };

  return async function submitInquiry(submission: InquirySubmission): Promise<InquiryOutcome> {
    const now = deps.clock.now();
    const { fields } = submission;
    const suspectedBot = (typeof fields.website === 'string' && fields.website !== '') || submission.sentTooFast;
    // Computed for spam too, so a bot's "success" looks exactly like a person's.
    const notifyAdmissionsAt = notifyAt(now);

    const activeCodes = new Set((await deps.programs.active()).map((program) => program.code));
    const parsed = parseInquiry(fields, activeCodes);
    if (!parsed.success) {
      if (suspectedBot) {
        // A bot gets its "success" and we keep nothing we could not store properly.
        metrics.count('spam');
        logger.info({ event: 'inquiry.spam', stored: false });
        return { outcome: 'spam', lead: null, notifyAdmissionsAt };
      }
      metrics.count('invalid');
      logger.info({ event: 'inquiry.invalid', fields: parsed.issues.map((issue) => issue.path) });
      return { outcome: 'invalid', issues: parsed.issues };
    }

    const attribution = parseAttribution(fields);
    // Proof of consent names the page from our own record of it, never a header the client chose.
    const onArticle = attribution.articleSlug !== undefined && (await deps.articleExists(attribution.articleSlug));
    const pageUrl = `${deps.baseUrl}${onArticle ? `/articles/${attribution.articleSlug}` : submission.endpointPath}`;
    const newLead = {
      contact: parsed.inquiry,
      attribution,
      consent: { ...deps.consent, pageUrl, ip: submission.ip, userAgent: submission.userAgent },
      spam: suspectedBot,
      at: now,
    };
    // Admissions hears of a non-spam lead now when the office is open, else in the digest at the opening.
    const notifications = outboxRows(
      suspectedBot
        ? []
        : [
            { kind: 'admissions', dueAt: notifyAdmissionsAt ?? now, digest: !officeState(now).open },
            ...(deps.autoreply ? [{ kind: 'autoreply' as const, dueAt: now, digest: false }] : []),
          ],
    );
    const { alsoInTransaction } = submission;
    // The common case is one statement in autocommit: one round trip. Rows
    // another module must commit with the lead (the API's idempotency record)
    // get a transaction around that statement and their own, rather than
    // being passed into the lead's database function: the idempotency table
    // stays the inquiries module's, and only requests with a key pay for it.
    const lead = alsoInTransaction
      ? await leads.transaction(async (tx) => {
          const stored = await leads.store(newLead, { notifications, tx });
          await alsoInTransaction(tx, { leadId: stored.id, notifyAdmissionsAt });
          return stored;
        })
      : await leads.store(newLead, { notifications });

    if (lead.status === 'spam') {
      metrics.count('spam');
      logger.info({ event: 'inquiry.spam', stored: true, leadId: lead.id });
      return { outcome: 'spam', lead, notifyAdmissionsAt };
    }
    const duplicate = lead.duplicateOfId !== null;
    metrics.count(duplicate ? 'duplicate' : 'accepted');
    logger.info({ event: 'inquiry.accepted', leadId: lead.id, program: parsed.inquiry.program, duplicate });
    return { outcome: duplicate ? 'duplicate' : 'accepted', lead, notifyAdmissionsAt };
  };
}

export type SubmitInquiry = ReturnType<typeof createSubmitInquiry>;
