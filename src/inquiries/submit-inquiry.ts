import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { OutboxRepository } from '../outbox';
import { createOfficeState, type OfficeHours } from '../office-hours';
import type { ProgramCatalog } from '../programs';
import type { ConsentDisclosure } from './consent';
import type { InquiryMetrics } from './inquiry-metrics';
import { parseAttribution, parseInquiry, type FieldIssue } from './inquiry-schema';
import { IdempotencyConflict, requestHash, type LeadRepository, type StoredResponse } from './lead-repository';

/**
 * The inquiry flow shared by the form and the API, after the HTTP-level
 * checks (origin, rate limit, body, form token):
 *   validate → decide spam → store lead + consent + its mail (+ idempotency
 *   record) in one transaction → say when admissions will be told.
 * Database failures propagate: the caller answers 503 and never claims success.
 */
export interface Submission {
  body: Record<string, unknown>;
  /** Honeypot filled or form sent faster than a person could: stored as spam, never emailed. */
  suspectedBot: boolean;
  pageUrl: string;
  ip: string;
  userAgent: string;
  idempotencyKey?: string;
}

export type SubmissionResult =
  | { outcome: 'accepted'; leadId: string; duplicate: boolean; notifyAdmissionsAt: Date | null }
  | { outcome: 'spam'; leadId: string | null; notifyAdmissionsAt: Date | null }
  | { outcome: 'invalid'; issues: FieldIssue[] }
  | { outcome: 'replayed'; response: StoredResponse }
  | { outcome: 'key_reused' };

export interface SubmitInquiryDeps {
  leads: LeadRepository;
  programs: ProgramCatalog;
  officeHours: OfficeHours;
  consent: ConsentDisclosure;
  clock: Clock;
  logger: Logger;
  metrics: InquiryMetrics;
  outbox: OutboxRepository;
  /** AUTOREPLY: queue a confirmation to the person as well. */
  autoreply: boolean;
}

export function createSubmitInquiry(deps: SubmitInquiryDeps) {
  const { leads, metrics, logger } = deps;
  const officeState = createOfficeState(deps.officeHours);
  /** Admissions hears now when the office is open, else at the next opening (null if it never opens). */
  const notifyAt = (now: Date) => {
    const state = officeState(now);
    return state.open ? now : state.opensAt;
  };

  /** The 201 body of the JSON API, also what an Idempotency-Key replays. */
  const acceptedBody = (leadId: string, notifyAdmissionsAt: Date | null) => ({
    id: leadId,
    status: 'new',
    notifyAdmissionsAt: notifyAdmissionsAt?.toISOString() ?? null,
  });

  async function submit(submission: Submission): Promise<SubmissionResult> {
    const now = deps.clock.now();
    const hash = submission.idempotencyKey ? requestHash(submission.body) : '';
    if (hash === null) {
      metrics.count('invalid');
      return { outcome: 'invalid', issues: [{ path: 'body', message: 'The inquiry is nested too deeply to be read.' }] };
    }
    if (submission.idempotencyKey) {
      const previous = await leads.findResponse(submission.idempotencyKey, now);
      if (previous) return previous.requestHash === hash ? { outcome: 'replayed', response: previous } : { outcome: 'key_reused' };
    }

    const activeCodes = new Set((await deps.programs.active()).map((program) => program.code));
    const parsed = parseInquiry(submission.body, activeCodes);
    if (!parsed.success) {
      if (submission.suspectedBot) {
        // A bot gets its "success" and we keep nothing we could not store properly.
        metrics.count('spam');
        logger.info({ event: 'inquiry.spam', stored: false });
        return { outcome: 'spam', leadId: null, notifyAdmissionsAt: notifyAt(now) };
      }
      metrics.count('invalid');
      logger.info({ event: 'inquiry.invalid', fields: parsed.issues.map((issue) => issue.path) });
      return { outcome: 'invalid', issues: parsed.issues };
    }

    // Computed for spam too, so a bot's "success" looks exactly like a person's.
    const notifyAdmissionsAt = notifyAt(now);
    const stored = await leads.transaction(async (tx) => {
      const lead = await leads.insert(tx, {
        inquiry: parsed.inquiry,
        attribution: parseAttribution(submission.body),
        consent: {
          text: deps.consent.text,
          version: deps.consent.version,
          sha256: deps.consent.sha256,
          pageUrl: submission.pageUrl,
          ip: submission.ip,
          userAgent: submission.userAgent,
        },
        spam: submission.suspectedBot,
        at: now,
      });
      if (lead.status !== 'spam') {
        // Admissions hears of it now when the office is open, else in the digest at the opening.
        await deps.outbox.queue(tx, [
          { leadId: lead.id, kind: 'admissions', dueAt: notifyAdmissionsAt ?? now, digest: !officeState(now).open },
          ...(deps.autoreply ? [{ leadId: lead.id, kind: 'autoreply' as const, dueAt: now, digest: false }] : []),
        ]);
      }
      if (submission.idempotencyKey) {
        await leads.saveResponse(tx, submission.idempotencyKey, hash, { statusCode: 201, body: acceptedBody(lead.id, notifyAdmissionsAt) }, now);
      }
      return lead;
    }).catch(async (error: unknown) => {
      // Two requests with one Idempotency-Key at once: the loser replays the winner.
      if (error instanceof IdempotencyConflict) return null;
      throw error;
    });

    if (!stored) {
      const winner = await leads.findResponse(submission.idempotencyKey!, now);
      if (!winner) throw new Error('Idempotency record vanished between conflict and replay');
      return winner.requestHash === hash ? { outcome: 'replayed', response: winner } : { outcome: 'key_reused' };
    }

    if (stored.status === 'spam') {
      metrics.count('spam');
      logger.info({ event: 'inquiry.spam', stored: true, leadId: stored.id });
      return { outcome: 'spam', leadId: stored.id, notifyAdmissionsAt };
    }
    const duplicate = stored.duplicateOfId !== null;
    metrics.count(duplicate ? 'duplicate' : 'accepted');
    logger.info({ event: 'inquiry.accepted', leadId: stored.id, program: parsed.inquiry.program, duplicate });
    return { outcome: 'accepted', leadId: stored.id, duplicate, notifyAdmissionsAt };
  }

  return { submit, acceptedBody };
}

export type SubmitInquiry = ReturnType<typeof createSubmitInquiry>;
