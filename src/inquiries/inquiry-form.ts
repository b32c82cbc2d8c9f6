import type { Request } from 'express';
import type { Program } from '../programs/program-repository';
import type { ConsentDisclosure } from './consent';
import { ATTRIBUTION_FIELDS, EDUCATION_LEVELS, INQUIRY_FIELDS, type FieldIssue } from './inquiry-schema';

/**
 * What the inquiry form template needs: the person's values (kept on every
 * re-render), the errors by field, the hidden attribution fields, a fresh
 * form token, and the programs to choose from.
 */
export interface InquiryFormModel {
  values: Record<string, string>;
  hidden: Record<string, string>;
  errors: Record<string, string>;
  issues: FieldIssue[];
  formToken: string;
  programs: Program[];
  educationLevels: typeof EDUCATION_LEVELS;
  consentText: string;
  /** A notice above the form: why it is shown again. */
  notice?: { kind: 'error' | 'warning'; title: string; text: string };
}

const LABELS: Record<string, string> = {
  firstName: 'First name', lastName: 'Last name', email: 'Email', phone: 'Phone', postalCode: 'ZIP or postal code',
  program: 'Program', educationLevel: 'Highest education completed', message: 'Your question', consent: 'Permission to contact you',
};

export function fieldLabel(field: string): string {
  return LABELS[field] ?? field;
}

/** Strings only, capped, so a hostile body cannot blow up the page that shows it again. */
function keep(body: Record<string, unknown>, fields: readonly string[], max = 2000): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const field of fields) {
    const value = body[field];
    if (typeof value === 'string') kept[field] = value.slice(0, max);
    else if (value === true) kept[field] = 'on';
  }
  return kept;
}

export function formModel(options: {
  body?: Record<string, unknown>;
  issues?: FieldIssue[];
  formToken: string;
  programs: Program[];
  consent: ConsentDisclosure;
  notice?: InquiryFormModel['notice'];
}): InquiryFormModel {
  const body = options.body ?? {};
  const issues = options.issues ?? [];
  return {
    values: keep(body, INQUIRY_FIELDS),
    hidden: keep(body, ATTRIBUTION_FIELDS),
    errors: Object.fromEntries(issues.map((issue) => [issue.path, issue.message])),
    issues,
    formToken: options.formToken,
    programs: options.programs,
    educationLevels: EDUCATION_LEVELS,
    consentText: options.consent.text,
    notice: options.notice,
  };
}

/** Attribution for a fresh form on an article page: its slug, UTM tags from its URL, and where the visitor came from. */
export function attributionFromArticleRequest(req: Request, slug: string): Record<string, unknown> {
  const query = req.query as Record<string, unknown>;
  return {
    article: slug,
    utm_source: query.utm_source,
    utm_medium: query.utm_medium,
    utm_campaign: query.utm_campaign,
    utm_term: query.utm_term,
    utm_content: query.utm_content,
    referrer: req.get('referer'),
  };
}
