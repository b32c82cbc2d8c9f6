import type { BrowserOptions } from './support/browser';
import { ADMISSIONS, browserPerTest, builtSite } from './support/site';
import { to, waitForMail } from './support/mail';
import { ARTICLE, expectThanksPage, fillWithMouse, person, sendWithMouse } from './support/visitor';

const ZONE = 'America/New_York';

/** Yesterday, today and tomorrow in the office's zone: closed for the whole run, even across midnight. */
function holidaysAroundNow(): string {
  const day = 24 * 60 * 60 * 1000;
  const local = (at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return [-1, 0, 1].map((offset) => local(Date.now() + offset * day)).join(',');
}

/**
 * The office-hours banner, open and closed. The built app reads the real
 * clock, so the state comes from its configuration: open around the clock,
 * then (after a restart on the same database) the same hours with holidays
 * covering today.
 */
describe('Office-hours banner in a browser', () => {
  const site = builtSite({ OFFICE_TIMEZONE: ZONE });
  const open = browserPerTest();

  const looks: Array<[string, BrowserOptions]> = [
    ['on a laptop in light mode', { viewport: 'laptop', colorScheme: 'light' }],
    ['on a phone in dark mode', { viewport: 'phone', colorScheme: 'dark' }],
  ];

  test.each(looks)('when the office is open, then the banner says so with the hours and the phone number %s', async (_name, options) => {
    const { page, audit, screenshot } = await open(options);
    await page.goto(`${site.app.url}/articles/${ARTICLE}`);

    const banner = page.getByRole('region', { name: 'Admissions office hours' });
    expect(await banner.getAttribute('class')).toContain('banner--open');
    expect(await banner.locator('.banner__hours').textContent()).toBe("Questions on enrolling? We're here all day ET Mon–Sun");
    expect(await banner.locator('.banner__status').textContent()).toBe('Open now — an advisor will reply today');
    expect(await banner.getByRole('link', { name: '1-800-555-0199' }).getAttribute('href')).toBe('tel:18005550199');
    await audit('article, office open');
    await banner.screenshot({ path: `${__dirname}/screenshots/banner-open-${options.viewport}-${options.colorScheme}.png` });
    await screenshot(`banner-open-page-${options.viewport}-${options.colorScheme}`);
  });

  describe('when the office is closed (holidays today)', () => {
    beforeAll(async () => {
      await site.app.restart({ OFFICE_HOLIDAYS: holidaysAroundNow() });
    });

    test.each(looks)('then the banner says when the office reopens %s', async (_name, options) => {
      const { page, audit } = await open(options);
      await page.goto(`${site.app.url}/articles/${ARTICLE}`);

      const banner = page.getByRole('region', { name: 'Admissions office hours' });
      expect(await banner.getAttribute('class')).toContain('banner--closed');
      expect(await banner.locator('.banner__status').textContent()).toMatch(/^Closed — we'll reply (on )?\w+.* after 12:00 AM E[SD]T$/);
      await audit('article, office closed');
      await banner.screenshot({ path: `${__dirname}/screenshots/banner-closed-${options.viewport}-${options.colorScheme}.png` });
    });

    test('then a visitor who sends the form is told when admissions will reply, gets the auto-reply at once, and admissions is not emailed yet', async () => {
      const { page, audit } = await open({ viewport: 'laptop' });
      const who = person('Jonas', 'Afterhours');
      await page.goto(`${site.app.url}/articles/${ARTICLE}`);
      await audit('article, office closed');
      await fillWithMouse(page, who);
      await sendWithMouse(page);

      await expectThanksPage(page, site.app.url, /^Our office is closed now\. An advisor will reply .+ after 12:00 AM E[SD]T\.$/);
      await audit('thanks page, office closed');
      const autoreply = await waitForMail(site.sink, to(who.email), `to ${who.email}`);
      expect(autoreply.text).toMatch(/closed/i);
      // The admissions email waits in the outbox for the opening.
      expect(site.sink.messages.filter((message) => to(ADMISSIONS)(message))).toEqual([]);
      const metrics = await (await fetch(`${site.app.url}/metrics`)).text();
      expect(Number(/^notifications_pending (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    });
  });
});
