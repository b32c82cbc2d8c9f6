import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { openBrowser, type Browser, type BrowserOptions } from './browser';
import { startBuiltApp, type BuiltApp } from '../../support/built-app';

export const ADMISSIONS = 'admissions@college.test';

/**
 * The built app and a mail sink for one test file: started before its tests,
 * stopped after them. The office is open around the clock unless `env` says
 * otherwise, so the admissions email goes out at once.
 */
export function builtSite(env: Record<string, string> = {}): { readonly app: BuiltApp; readonly sink: SmtpSink } {
  let app: BuiltApp | undefined;
  let sink: SmtpSink | undefined;
  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startBuiltApp({ env: { SMTP_URL: sink.url, OFFICE_HOURS: 'Mon-Sun 00:00-24:00', ADMISSIONS_EMAIL: ADMISSIONS, ...env } });
  });
  afterAll(async () => {
    await app?.stop();
    await sink?.close();
  });
  return {
    get app() {
      return app!;
    },
    get sink() {
      return sink!;
    },
  };
}

/**
 * A fresh browser for each test (`open`), closed after it; the test fails on
 * any console error or failed request the browser saw.
 */
export function browserPerTest(defaults: Partial<BrowserOptions> = {}): (options: BrowserOptions) => Promise<Browser> {
  let browser: Browser | undefined;
  afterEach(async () => {
    const problems = browser?.problems() ?? [];
    await browser?.close();
    browser = undefined;
    expect(problems).toEqual([]);
  });
  return async (options) => (browser = await openBrowser({ ...defaults, ...options }));
}
