import { leadIdsOf } from '../support/smtp-sink';
import type { BrowserOptions } from './support/browser';
import { ADMISSIONS, browserPerTest, builtSite } from './support/site';
import { to, waitForMail } from './support/mail';
import {
  ARTICLE,
  expectFocusMovesTo,
  expectThanksPage,
  fillWithKeyboard,
  fillWithMouse,
  focusedId,
  openArticleFromIndex,
  person,
  sendWithKeyboard,
  sendWithMouse,
  waitUntilAPersonCouldHaveFilledIt,
  type Person,
} from './support/visitor';


/**
 * A prospective student on the public site, in a real Chromium against the
 * built app: reading an article and sending the inquiry form with the mouse,
 * with the keyboard alone, and after correcting mistakes, on a phone and on a
 * laptop, in light and dark mode. Every page reached is checked with axe.
 */
describe('Public site in a browser (JavaScript on)', () => {
  const site = builtSite({ MAIL_FROM: 'Admissions <admissions@college.test>' });
  const open = browserPerTest();

  /** The admissions email and the auto-reply for `who`; returns the lead's id. */
  async function expectEmailsFor(who: Person): Promise<string> {
    const admissions = await waitForMail(site.sink, (message) => to(ADMISSIONS)(message) && message.subject === `New inquiry: ${who.firstName} ${who.lastName} — Healthcare Administration`, `to admissions about ${who.firstName}`);
    const [leadId] = leadIdsOf(admissions);
    expect(admissions.text).toContain(`Open in Frontdesk: ${site.app.url}/admin/leads/${leadId}`);
    expect(admissions.text).toContain(who.email);
    expect(admissions.replyTo?.value[0]?.address).toBe(who.email);
    const autoreply = await waitForMail(site.sink, to(who.email), `to ${who.email}`);
    expect(autoreply.text).toMatch(/advisor will reply/i);
    return leadId!;
  }

  test.each<[string, BrowserOptions]>([
    ['on a laptop in light mode', { viewport: 'laptop', colorScheme: 'light' }],
    ['on a phone in dark mode', { viewport: 'phone', colorScheme: 'dark' }],
  ])('when a visitor reads an article and sends the form with the mouse %s, then they see the thanks page and admissions is emailed', async (_name, options) => {
    const { page, audit, screenshot } = await open(options);
    const who = person('Amara', options.viewport === 'phone' ? 'Mousephone' : 'Mouselaptop');
    const tag = `${options.viewport}-${options.colorScheme}`;

    await page.goto(`${site.app.url}/`);
    await audit('article index');
    await screenshot(`index-${tag}`);
    await openArticleFromIndex(page, site.app.url);
    expect(await page.locator('.banner__status').textContent()).toContain('Open now');
    await audit('article');
    await screenshot(`article-${tag}`);

    await fillWithMouse(page, who);
    await sendWithMouse(page);

    await expectThanksPage(page, site.app.url, /An admissions advisor will reply today/);
    await audit('thanks page');
    await screenshot(`thanks-${tag}`);
    await expectEmailsFor(who);
  });

  test.each<[string, BrowserOptions]>([
    ['on a laptop in dark mode', { viewport: 'laptop', colorScheme: 'dark' }],
    ['on a phone in light mode', { viewport: 'phone', colorScheme: 'light' }],
  ])('when a visitor uses only the keyboard %s, then Tab visits every field in order with visible focus and Enter sends the form', async (_name, options) => {
    const { page, audit } = await open(options);
    const who = person('Keiko', options.viewport === 'phone' ? 'Keysphone' : 'Keyslaptop', { program: 'BUS-MBA', programLabel: 'Business Administration' });

    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    await audit('article');
    await fillWithKeyboard(page, who);
    expect(await page.locator('#program').inputValue()).toBe('BUS-MBA');
    expect(await page.locator('#educationLevel').inputValue()).toBe('some-college');
    expect(await page.locator('#consent').isChecked()).toBe(true);
    await sendWithKeyboard(page);

    await expectThanksPage(page, site.app.url, /An admissions advisor will reply today/);
    await audit('thanks page');
    const admissions = await waitForMail(site.sink, (message) => to(ADMISSIONS)(message) && (message.subject ?? '').startsWith(`New inquiry: Keiko ${who.lastName}`), 'to admissions');
    expect(admissions.subject).toBe(`New inquiry: Keiko ${who.lastName} — Business Administration`);
  });

  test.each<[string, BrowserOptions & { keyboard: boolean }]>([
    ['with the mouse on a laptop in light mode', { viewport: 'laptop', colorScheme: 'light', keyboard: false }],
    ['correcting with the keyboard on a phone in dark mode', { viewport: 'phone', colorScheme: 'dark', keyboard: true }],
  ])('when a visitor mistypes the email and phone %s, then the error summary takes focus, its links lead to the fields, every value is kept, and the corrected form is sent', async (_name, { keyboard, ...options }) => {
    const { page, audit, screenshot } = await open(options);
    const who = person('Lucía', keyboard ? 'Fixphone' : 'Fixlaptop');
    const tag = `${options.viewport}-${options.colorScheme}`;

    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    await audit('article');
    await fillWithMouse(page, { ...who, email: 'lucia.example.org', phone: '555' });
    await sendWithMouse(page);

    // The form comes back on the article (422) with the summary focused and announced.
    expect(page.url()).toBe(`${site.app.url}/inquiries#inquiry`);
    const summary = page.locator('#error-summary');
    expect(await summary.getAttribute('role')).toBe('alert');
    await expectFocusMovesTo(page, 'error-summary');
    expect(await summary.locator('h3, h2').first().textContent()).toBe('There are 2 problems with your answers');
    expect(await summary.locator('a').allTextContents()).toEqual([
      'Enter an email address like name@example.com',
      'Enter a phone number we can call, like (212) 555-0147',
    ]);
    for (const field of ['email', 'phone']) {
      const input = page.locator(`#${field}`);
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      expect(await input.getAttribute('aria-describedby')).toContain(`${field}-error`);
    }
    // Everything typed is still there, the mistakes included.
    expect(await page.locator('#firstName').inputValue()).toBe(who.firstName);
    expect(await page.locator('#lastName').inputValue()).toBe(who.lastName);
    expect(await page.locator('#email').inputValue()).toBe('lucia.example.org');
    expect(await page.locator('#program').inputValue()).toBe(who.program);
    expect(await page.locator('#educationLevel').inputValue()).toBe('some-college');
    expect(await page.locator('#message').inputValue()).toBe(who.message);
    expect(await page.locator('#consent').isChecked()).toBe(true);
    await audit('form with errors');
    await screenshot(`form-errors-${tag}`);

    // The first link moves to the email field, the second to the phone field.
    if (keyboard) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.textContent')).toBe('Enter an email address like name@example.com');
      await page.keyboard.press('Enter');
    } else {
      await summary.getByRole('link', { name: /email address/ }).click();
    }
    expect(await focusedId(page)).toBe('email');
    await expect(page.locator('#email').isVisible()).resolves.toBe(true);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(who.email);

    if (keyboard) {
      await page.locator('#error-summary').focus();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
    } else {
      await summary.getByRole('link', { name: /phone number/ }).click();
    }
    expect(await focusedId(page)).toBe('phone');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(who.phone);

    if (keyboard) {
      await page.locator('#consent').focus();
      await page.keyboard.press('Tab');
      await sendWithKeyboard(page);
    } else {
      await sendWithMouse(page);
    }
    await expectThanksPage(page, site.app.url, /An admissions advisor will reply today/);
    await audit('thanks page');
    await expectEmailsFor(who);
  });

  test('when a visitor leaves the email or phone field with something that cannot be right, then a hint appears beside it at once and goes when it is fixed', async () => {
    const { page, audit } = await open({ viewport: 'phone', colorScheme: 'light' });
    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    const email = page.locator('#email');
    await email.click();
    await page.keyboard.type('maya@');
    await page.keyboard.press('Tab');
    expect(await page.locator('#email-live').textContent()).toBe('Enter an email address like name@example.com');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.getAttribute('aria-describedby')).toBe('email-live');
    await page.keyboard.type('555');
    await page.keyboard.press('Tab');
    expect(await page.locator('#phone-live').textContent()).toBe('Enter a phone number we can call, like (212) 555-0147');
    expect(await page.locator('#phone').getAttribute('aria-describedby')).toBe('phone-hint phone-live');
    await audit('article with inline hints');

    await email.click();
    await page.keyboard.type('example.org');
    expect(await page.locator('#email-live').count()).toBe(0);
    expect(await email.getAttribute('aria-invalid')).toBeNull();
    expect(await email.getAttribute('aria-describedby')).toBeNull();
    await page.locator('#phone').fill('(212) 555-0147');
    expect(await page.locator('#phone-live').count()).toBe(0);
    expect(await page.locator('#phone').getAttribute('aria-describedby')).toBe('phone-hint');
  });

  test('when a visitor presses send twice, then the button is disabled after the first press and one inquiry is sent', async () => {
    const { page, audit } = await open({ viewport: 'laptop' });
    const who = person('Tomas', 'Twice');
    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    await fillWithMouse(page, who);
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await waitUntilAPersonCouldHaveFilledIt(page);

    // The second press comes before the first answer could: in the same task.
    const [afterFirstPress] = await Promise.all([
      page.evaluate(() => {
        const document = (globalThis as any).document;
        const button = document.querySelector('form.inquiry-form button[type="submit"]');
        button.click();
        const state = { disabled: button.disabled, text: button.textContent };
        button.click();
        button.form.requestSubmit();
        return state;
      }),
      page.waitForURL(`${site.app.url}/inquiries/thanks#inquiry`),
    ]);

    expect(afterFirstPress).toEqual({ disabled: true, text: 'Sending…' });
    expect(posts).toEqual([`${site.app.url}/inquiries`]);
    await audit('thanks page');
    await expectEmailsFor(who);
  });

  test('when the article was retired while the visitor was typing and the form has a mistake, then the form comes back on a page of its own with an h1, the summary focused, and it is sent from there', async () => {
    const { page, audit, screenshot } = await open({ viewport: 'laptop', colorScheme: 'dark' });
    const who = person('Olu', 'Standalone');
    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    await audit('article');
    // The slug the form carries no longer names an article.
    await page.locator('input[name="article"]').evaluate((input: any) => (input.value = 'a-retired-article'));
    await fillWithMouse(page, { ...who, phone: '555' });
    await sendWithMouse(page);

    expect(await page.title()).toBe('Ask admissions a question · Frontdesk College');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Questions on enrolling?');
    await expectFocusMovesTo(page, 'error-summary');
    expect(await page.locator('#error-summary h2').textContent()).toBe('There is a problem with your answers');
    await audit('form on a page of its own, with an error');
    await screenshot('form-page-errors-laptop-dark');

    await page.locator('#error-summary a').click();
    expect(await focusedId(page)).toBe('phone');
    await page.locator('#phone').fill(who.phone);
    await sendWithMouse(page);
    await expectThanksPage(page, site.app.url, /An admissions advisor will reply today/);
    await audit('thanks page');
    await expectEmailsFor(who);
  });

  test('when an article page loads on a laptop, then HTML, stylesheet and script stay under 100 kB, nothing comes from another origin, lines are 60–75 characters, and print shows only the article', async () => {
    const { page } = await open({ viewport: 'laptop' });
    const responses: Array<Promise<{ url: string; bytes: number }>> = [];
    page.on('response', (response) => {
      responses.push(response.body().then((body) => ({ url: response.url(), bytes: body.length }), () => ({ url: response.url(), bytes: 0 })));
    });
    await page.goto(`${site.app.url}/articles/${ARTICLE}`, { waitUntil: 'networkidle' });
    const sizes = await Promise.all(responses);
    const bytes = (pathname: string) => sizes.filter((entry) => new URL(entry.url).pathname === pathname).reduce((sum, entry) => sum + entry.bytes, 0);
    const total = sizes.reduce((sum, entry) => sum + entry.bytes, 0);
    expect(sizes.every((entry) => entry.url.startsWith(`${site.app.url}/`))).toBe(true);
    expect(bytes(`/articles/${ARTICLE}`)).toBeGreaterThan(0);
    expect(bytes('/static/site.js')).toBeGreaterThan(0);
    expect(bytes('/static/site.css')).toBeGreaterThan(0);
    expect(bytes('/static/site.css')).toBeLessThan(30_000);
    expect(total).toBeLessThan(100_000);
    // A readable measure: 60–75 characters a line of article text on a laptop.
    const perLine = (await page.evaluate(`(() => {
      const counts = [];
      for (const paragraph of document.querySelectorAll('.prose p')) {
        if (paragraph.textContent.length < 250) continue;
        const lines = new Map();
        const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (let index = 0; index < node.length; index += 1) {
            const range = document.createRange();
            range.setStart(node, index);
            range.setEnd(node, index + 1);
            const rect = range.getClientRects()[0];
            if (rect) lines.set(Math.round(rect.top / 4), (lines.get(Math.round(rect.top / 4)) || 0) + 1);
          }
        }
        const full = [...lines.values()].slice(0, -1);
        counts.push(full.reduce((sum, count) => sum + count, 0) / full.length);
      }
      return counts;
    })()`)) as number[];
    expect(perLine.length).toBeGreaterThan(0);
    const average = perLine.reduce((sum, count) => sum + count, 0) / perLine.length;
    expect(average).toBeGreaterThanOrEqual(60);
    expect(average).toBeLessThanOrEqual(75);

    // A printed article is just the article.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.inquiry').isVisible()).toBe(false);
    expect(await page.locator('.banner').isVisible()).toBe(false);
    expect(await page.locator('article h1').isVisible()).toBe(true);
  });
});
