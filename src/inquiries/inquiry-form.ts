import type { Request } from 'express';
import type { Clock } from '../platform/clock';
import type { Program, ProgramCatalog } from '../programs';
import type { FormTokens } from './form-token';
import type { ConsentDisclosure } from './consent';
import { EDUCATION_LEVELS } from '../leads';
import { ATTRIBUTION_FIELDS, INQUIRY_FIELDS, type FieldIssue } from './inquiry-schema';

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
  /** Raw HTML after the hidden fields: the slot a kept page fills per visitor. */
  attributionSlot?: string;
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

// Markers in a kept article page, replaced for each visitor. They contain no
// character that HTML escaping would change, so they survive rendering as is.
const TOKEN_SLOT = 'frontdesk-slot-form-token';
const ATTRIBUTION_SLOT = '<!--frontdesk-slot-attribution-->';

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');

/**
 * The form beside an article, in two steps: `render` gives the part every
 * visitor shares (programs, consent text, the article's slug), rendered once
 * into the kept page; `fill` gives, for its slots, a fresh form token and this
 * visitor's campaign tags and referrer.
 */
export function createArticleForm(deps: { programs: ProgramCatalog; formTokens: FormTokens; consent: ConsentDisclosure; clock: Clock }) {
  return {
    async render(article: { slug: string }) {
      const form = formModel({ body: { article: article.slug }, formToken: TOKEN_SLOT, programs: await deps.programs.active(), consent: deps.consent });
      return { form: { ...form, attributionSlot: ATTRIBUTION_SLOT } };
    },

    slots: [TOKEN_SLOT, ATTRIBUTION_SLOT],

    fill(req: Request, article: { slug: string }): string[] {
      const visitor = keep(attributionFromArticleRequest(req, article.slug), ATTRIBUTION_FIELDS.filter((field) => field !== 'article'));
      const inputs = Object.entries(visitor)
        .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeAttribute(value)}">`)
        .join('\n    ');
      return [deps.formTokens.issue(deps.clock.now()), inputs];
    },
  };
}
