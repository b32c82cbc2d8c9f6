import { isIP } from 'node:net';
import { addressProblem, resolveAll, type LookupFunction } from './address-policy';

export const URL_MAX_LENGTH = 2000;

/** What decides whether a URL may receive webhooks: WEBHOOK_ALLOW_PRIVATE, and how names resolve. */
export interface UrlPolicy {
  allowPrivate: boolean;
  lookup: LookupFunction;
}

export type ParsedUrl =
  | { ok: true; url: URL; literalAddress: string | null }
  /** `address`: the problem is the address the URL names, not the URL's form. */
  | { ok: false; problem: string; address?: boolean };

/** The host as an IP address when the URL names one (`[::1]` → `::1`), else null. */
function literalAddress(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  // The URL parser has already turned 0x7f.1, 2130706433 and the like into dotted IPv4.
  return isIP(host) === 0 ? null : host;
}

/**
 * The checks that need no network: a URL, `https://` (or `http://` with
 * WEBHOOK_ALLOW_PRIVATE=on), and a literal address that is public. Run at
 * add time and again before every send.
 */
export function parseWebhookUrl(raw: string, allowPrivate: boolean): ParsedUrl {
  if (raw.length > URL_MAX_LENGTH) return { ok: false, problem: `the URL is longer than ${URL_MAX_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: `"${raw.slice(0, 100)}" is not a URL` };
  }
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    return { ok: false, problem: allowPrivate ? 'the URL must start with https:// or http://' : 'the URL must start with https:// (http:// only with WEBHOOK_ALLOW_PRIVATE=on)' };
  }
  const literal = literalAddress(url);
  if (literal && !allowPrivate) {
    const problem = addressProblem(literal);
    if (problem) return { ok: false, problem, address: true };
  }
  return { ok: true, url, literalAddress: literal };
}

/**
 * Everything `webhooks:add` checks: the above, and that a name resolves,
 * only to public addresses. The dispatcher checks the address again when it
 * connects (address-policy.ts `guardedLookup`).
 */
export async function webhookUrlProblem(raw: string, policy: UrlPolicy): Promise<string | null> {
  const parsed = parseWebhookUrl(raw, policy.allowPrivate);
  if (!parsed.ok) return parsed.address ? `${parsed.problem} (allowed only with WEBHOOK_ALLOW_PRIVATE=on)` : parsed.problem;
  if (parsed.literalAddress) return null;
  const { hostname } = parsed.url;
  let addresses;
  try {
    addresses = await resolveAll(policy.lookup, hostname);
  } catch (error) {
    return `${hostname} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (addresses.length === 0) return `${hostname} does not resolve`;
  if (policy.allowPrivate) return null;
  const problem = addresses.map((entry) => addressProblem(entry.address)).find((found) => found !== null);
  return problem ? `${hostname} resolves to ${problem} (allowed only with WEBHOOK_ALLOW_PRIVATE=on)` : null;
}
