import type { Browser, BrowserOptions } from './support/browser';
import { ADMISSIONS, browserPerTest, builtSite } from './support/site';
import { to, waitForMail } from './support/mail';
import { ARTICLE, expectThanksPage, fillWithKeyboard, fillWithMouse, openArticleFromIndex, person, sendWithKeyboard, sendWithMouse } from './support/visitor';


/**
 * The same visitor flows with JavaScript switched off: every page is plain
 * HTML that works on its own, and site.js only improves it.
 */
describe('Public site in a browser with JavaScript off', () => {
  const site = builtSite();
  const open = browserPerTest({ javaScriptEnabled: false });

  test.each<[string, BrowserOptions]>([
    ['on a laptop in light mode', { viewport: 'laptop', colorScheme: 'light' }],
    ['on a phone in dark mode', { viewport: 'phone', colorScheme: 'dark' }],
  ])('when a visitor without JavaScript reads an article and sends the form with the mouse %s, then they see the thanks page and admissions is emailed', async (_name, options) => {
    const { page, audit } = await open(options);
    const who = person('Noor', options.viewport === 'phone' ? 'Plainphone' : 'Plainlaptop');

    await page.goto(`${site.app.url}/`);
    await audit('article index');
    await openArticleFromIndex(page, site.app.url);
    await audit('article');
    await fillWithMouse(page, who);
    await sendWithMouse(page);

    await expectThanksPage(page, site.app.url, /An admissions advisor will reply today/);
    await audit('thanks page');
    await waitForMail(site.sink, (message) => to(ADMISSIONS)(message) && message.subject === `New inquiry: Noor ${who.lastName} — Healthcare Administration`, 'to admissions');
  });

  test('when a visitor without JavaScript uses only the keyboard, then Tab visits every field in order and Enter sends the form', async () => {
    const { page, audit } = await open({ viewport: 'laptop', colorScheme: 'dark' });
    const who = person('Ines', 'Plainkeys');
    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    await audit('article');
    await fillWithKeyboard(page, who);
    await sendWithKeyboard(page);
    await expectThanksPage(page, site.app.url, /An admissions advisor will reply today/);
    await audit('thanks page');
  });

  test.each<[string, BrowserOptions]>([
    ['on a phone in light mode', { viewport: 'phone', colorScheme: 'light' }],
    ['on a laptop in dark mode', { viewport: 'laptop', colorScheme: 'dark' }],
  ])('when a visitor without JavaScript mistypes the email and phone %s, then the page lands on the form with the summary in view, its links jump to the fields, every value is kept, and the corrected form is sent', async (_name, options) => {
    const { page, audit, screenshot } = await open(options);
    const who = person('Ravi', options.viewport === 'phone' ? 'Nojsphone' : 'Nojslaptop');

    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    await audit('article');
    await fillWithMouse(page, { ...who, email: 'ravi@', phone: '12' });
    await sendWithMouse(page);

    // Without the script nothing moves focus, but the URL's #inquiry brings the form, summary first, into view.
    expect(page.url()).toBe(`${site.app.url}/inquiries#inquiry`);
    const summary = page.locator('#error-summary');
    expect(await summary.getAttribute('role')).toBe('alert');
    await expectInViewport(page, '#error-summary');
    expect(await summary.locator('a').allTextContents()).toEqual([
      'Enter an email address like name@example.com',
      'Enter a phone number we can call, like (212) 555-0147',
    ]);
    expect(await page.locator('#email').inputValue()).toBe('ravi@');
    expect(await page.locator('#phone').inputValue()).toBe('12');
    expect(await page.locator('#firstName').inputValue()).toBe(who.firstName);
    expect(await page.locator('#message').inputValue()).toBe(who.message);
    expect(await page.locator('#consent').isChecked()).toBe(true);
    await audit('form with errors');
    await screenshot(`form-errors-${options.viewport}-${options.colorScheme}-no-js`);

    // A summary link is an in-page link: it scrolls to the field.
    await summary.getByRole('link', { name: /phone number/ }).click();
    expect(page.url()).toBe(`${site.app.url}/inquiries#phone`);
    await expectInViewport(page, '#phone');
    await page.locator('#phone').fill(who.phone);
    await summary.getByRole('link', { name: /email address/ }).click();
    expect(page.url()).toBe(`${site.app.url}/inquiries#email`);
    await expectInViewport(page, '#email');
    await page.locator('#email').fill(who.email);

    await sendWithMouse(page);
    await expectThanksPage(page, site.app.url, /An admissions advisor will reply today/);
    await audit('thanks page');
    await waitForMail(site.sink, (message) => to(ADMISSIONS)(message) && message.subject === `New inquiry: Ravi ${who.lastName} — Healthcare Administration`, 'to admissions');
  });
});

/** The element is (at least partly) inside the viewport. */
async function expectInViewport(page: Browser['page'], selector: string): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  const viewport = page.viewportSize()!;
  expect(box).not.toBeNull();
  expect(box!.y + box!.height).toBeGreaterThan(0);
  expect(box!.y).toBeLessThan(viewport.height);
}
