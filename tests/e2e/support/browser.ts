import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { auditPage, SCREENSHOTS } from './accessibility';

/** Debian's Chromium (`apt-get install -y chromium`): the tests never download a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  laptop: { width: 1366, height: 768 },
} as const;

export interface BrowserOptions {
  viewport?: keyof typeof VIEWPORTS;
  colorScheme?: 'light' | 'dark';
  javaScriptEnabled?: boolean;
}

export interface Browser {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly options: Required<BrowserOptions>;
  /** axe-core on the page as it is now: fails on any serious or critical violation. */
  audit(label: string): Promise<void>;
  /** A full-page PNG in tests/e2e/screenshots/ (git-ignored). */
  screenshot(name: string): Promise<void>;
  /** Script errors, CSP refusals and failed asset loads seen so far. */
  problems(): string[];
  close(): Promise<void>;
}

/**
 * One Chromium with a throw-away profile. `launch()` refuses --user-data-dir,
 * so each browser is a persistent context on a temporary directory.
 */
export async function openBrowser(wanted: BrowserOptions = {}): Promise<Browser> {
  const options: Required<BrowserOptions> = { viewport: 'laptop', colorScheme: 'light', javaScriptEnabled: true, ...wanted };
  const { context, close } = await launch({ viewport: VIEWPORTS[options.viewport], colorScheme: options.colorScheme, javaScriptEnabled: options.javaScriptEnabled });
  const page = context.pages()[0] ?? (await context.newPage());

  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/static/') && response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });

  // Without JavaScript axe cannot run in the page itself (its timers never
  // fire), so a second, scripting browser audits the same HTML (see auditPage).
  let auditor: { context: BrowserContext; close(): Promise<void> } | undefined;
  const auditorPage = async () => {
    auditor ??= await launch({ viewport: VIEWPORTS[options.viewport], colorScheme: options.colorScheme, javaScriptEnabled: true });
    return auditor.context.pages()[0] ?? auditor.context.newPage();
  };

  return {
    page,
    context,
    options,
    audit: async (label) => auditPage(page, `${label} [${describeOptions(options)}]`, options.javaScriptEnabled ? undefined : await auditorPage()),
    async screenshot(name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    problems: () => [...problems],
    async close() {
      await auditor?.close();
      await close();
    },
  };
}

function describeOptions(options: Required<BrowserOptions>): string {
  return [options.viewport, options.colorScheme, options.javaScriptEnabled ? 'JavaScript' : 'no JavaScript'].join(', ');
}

async function launch(settings: { viewport: { width: number; height: number }; colorScheme: 'light' | 'dark'; javaScriptEnabled: boolean }) {
  const profile = mkdtempSync(path.join(tmpdir(), 'frontdesk-e2e-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      acceptDownloads: true,
      locale: 'en-US',
      ...settings,
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    throw error;
  }
}
