import { z } from 'zod';
import { CONTACT_CHANNELS, CONTACT_NOTE_MAX, CONTACT_OUTCOMES, type ContactChannel, type ContactOutcome } from '../../leads';
import type { ErrorIssue } from '../../platform/errors';

/**
 * The contact form (POST /admin/leads/:id/contacts): how the advisor reached
 * out, what came of it, and a note. A browser sends a textarea's line breaks
 * as CRLF; they are stored as LF, and the 1,000 characters are counted after
 * that. Other control characters have no place in a note and are refused
 * rather than silently dropped.
 */
export const CHANNEL_LABELS: Readonly<Record<ContactChannel, string>> = { call: 'Call', email: 'Email', text: 'Text message' };
export const OUTCOME_LABELS: Readonly<Record<ContactOutcome, string>> = {
  reached: 'Reached them',
  voicemail: 'Left a voicemail',
  'no-answer': 'No answer',
  'wrong-number': 'Wrong number',
  sent: 'Sent (email or text)',
};

// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f]/;

const contactSchema = z.object({
  channel: z.enum(CONTACT_CHANNELS, { error: 'Choose how you contacted them: call, email or text.' }),
  outcome: z.enum(CONTACT_OUTCOMES, { error: 'Choose what came of it: reached, voicemail, no-answer, wrong-number or sent.' }),
  note: z
    .string({ error: 'Give the note once, as text.' })
    .transform((note) => note.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .max(CONTACT_NOTE_MAX, { error: `Keep the note to ${CONTACT_NOTE_MAX.toLocaleString('en-US')} characters or fewer.` })
        .refine((note) => !CONTROL_BUT_NEWLINE.test(note), { error: 'The note contains control characters; only letters, numbers, punctuation and line breaks can be saved.' }),
    )
    .optional(),
});

export interface ContactFields {
  channel: ContactChannel;
  outcome: ContactOutcome;
  note: string | null;
}

/** What was typed, to put back in the form when it comes back with issues. */
export interface ContactEcho {
  channel: string;
  outcome: string;
  note: string;
}

export function parseContactForm(body: unknown): { ok: true; fields: ContactFields } | { ok: false; issues: ErrorIssue[]; echo: ContactEcho } {
  const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const result = contactSchema.safeParse({ channel: record.channel, outcome: record.outcome, note: record.note });
  if (result.success) {
    return { ok: true, fields: { channel: result.data.channel, outcome: result.data.outcome, note: result.data.note || null } };
  }
  // One issue per field: a note both too long and with a control character names the first problem, then the next once that is fixed.
  const issues: ErrorIssue[] = [];
  for (const issue of result.error.issues) {
    const path = String(issue.path[0] ?? 'form');
    if (!issues.some((known) => known.path === path)) issues.push({ path, message: issue.message });
  }
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, CONTACT_NOTE_MAX * 2) : '');
  return { ok: false, issues, echo: { channel: text(record.channel), outcome: text(record.outcome), note: text(record.note) } };
}
