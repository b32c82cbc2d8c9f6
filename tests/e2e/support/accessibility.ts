import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Screenshots and the axe log of a run (git-ignored). */
export const SCREENSHOTS = path.join(__dirname, '..', 'screenshots');
const AXE_LOG = path.join(SCREENSHOTS, 'axe-log.txt');

const AXE_SOURCE = readFileSync(require.resolve('axe-core'), 'utf8');
const BLOCKING = new Set(['serious', 'critical']);

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string; summary: string }>;
}

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical
 * violation, naming the rule and the elements. Every result (minor and
 * moderate ones too) goes to screenshots/axe-log.txt for review.
 *
 * axe is evaluated through the DevTools protocol rather than added as a
 * <script>: the site's CSP (script-src 'self') rightly refuses inline scripts,
 * and the tests must not switch the CSP off to look at the pages.
 *
 * A page without JavaScript cannot run axe (its timers never fire), so
 * `auditor`, a page of a browser with JavaScript on and the same viewport and
 * colour scheme, loads the exact HTML the page shows, without its scripts,
 * from the same URL (so the stylesheet loads as it did), and axe runs there.
 */
export async function auditPage(page: Page, label: string, auditor?: Page): Promise<void> {
  let target = page;
  if (auditor) {
    const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
    const pageUrl = page.url();
    const withoutFragment = (url: string) => url.split('#')[0];
    await auditor.route((url) => withoutFragment(url.href) === withoutFragment(pageUrl), (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    try {
      await auditor.goto(pageUrl);
    } finally {
      await auditor.unrouteAll({ behavior: 'wait' });
    }
    target = auditor;
  }

  await target.evaluate(AXE_SOURCE);
  const violations: Violation[] = await target.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(options: unknown): Promise<{ violations: any[] }> } }).axe;
    const results = await axe.run({ resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node: any) => ({ target: node.target.join(' '), summary: String(node.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300) })),
    }));
  });

  mkdirSync(SCREENSHOTS, { recursive: true });
  const lines = violations.flatMap((violation) => [
    `  ${violation.impact} ${violation.id}: ${violation.help}`,
    ...violation.nodes.slice(0, 5).map((node) => `    ${node.target} — ${node.summary}`),
  ]);
  appendFileSync(AXE_LOG, `${label} (${target.url()}): ${violations.length === 0 ? 'no violations' : `${violations.length} rule(s)`}\n${lines.map((line) => `${line}\n`).join('')}`);

  const blocking = violations.filter((violation) => BLOCKING.has(violation.impact ?? ''));
  const readable = blocking.map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => `${node.target} (${node.summary})`).join('; ')}`);
  if (readable.length > 0) throw new Error(`axe found serious or critical violations on ${label}:\n${readable.join('\n')}`);
}
