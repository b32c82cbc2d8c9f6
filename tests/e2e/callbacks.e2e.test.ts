import { browserPerTest, builtSite } from './support/site';
import { to, waitForMail } from './support/mail';
import { ARTICLE, expectThanksPage, expectVisibleFocus, fillWithKeyboard, fillWithMouse, person, sendWithKeyboard, sendWithMouse } from './support/visitor';
import type { Page } from 'playwright-core';

const ZONE = 'America/New_York';

/** Yesterday, today and tomorrow in the office's zone: closed for the whole run, even across midnight. */
function holidaysAroundNow(): string {
  const day = 24 * 60 * 60 * 1000;
  const local = (at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return [-1, 0, 1].map((offset) => local(Date.now() + offset * day)).join(',');
}

const activeSlot = (page: Page) => page.evaluate('document.activeElement && document.activeElement.name === "slot" ? document.activeElement.value : ""') as Promise<string>;

/**
 * Booking a call from the thanks page (SPEC §11) in a real Chromium against
 * the built app, which runs on the real clock: open around the clock, so
 * "Call me now" and slots every 15 minutes are offered.
 */
describe('Calls from an advisor in a browser, office open', () => {
  const site = builtSite({ OFFICE_TIMEZONE: ZONE });
  const open = browserPerTest();
  const openWithoutScript = browserPerTest({ javaScriptEnabled: false });

  test('when a visitor books a time with the keyboard alone, then Tab reaches the times, arrows choose one, Enter books it, and the confirmation says when', async () => {
    const { page, audit, screenshot } = await open({ viewport: 'laptop', colorScheme: 'light' });
    const who = person('Kemal', 'Keyscall');
    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    await fillWithKeyboard(page, who);
    await sendWithKeyboard(page);
    await expectThanksPage(page, site.app.url, /An admissions advisor will reply today/);
    expect(await page.getByRole('button', { name: 'Call me now' }).count()).toBe(1);
    const localZone = (await page.evaluate('Intl.DateTimeFormat().resolvedOptions().timeZone')) as string;
    if (localZone !== ZONE) expect(await page.locator('.call-slot__local').count()).toBeGreaterThan(0);
    await audit('thanks page with the call offer, open');
    await screenshot('callbacks-thanks-open-laptop-light');

    await page.locator('body').focus();
    for (let presses = 0; (await activeSlot(page)) === ''; presses += 1) {
      if (presses > 40) throw new Error('Tab never reached the call times');
      await page.keyboard.press('Tab');
      await expectVisibleFocus(page);
    }
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    const chosen = await activeSlot(page);
    expect(await page.locator(`input[name="slot"][value="${chosen}"]`).isChecked()).toBe(true);
    // Tab leaves the group of times, past the other (folded) days, to the button.
    for (let presses = 0; (await page.evaluate('document.activeElement.textContent.trim()')) !== 'Book this time'; presses += 1) {
      if (presses > 10) throw new Error('Tab never reached "Book this time"');
      await page.keyboard.press('Tab');
      await expectVisibleFocus(page);
    }
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(new URL(page.url()).pathname).toMatch(/^\/callbacks\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: 'Your call is booked' }).waitFor();
    expect(await page.locator('.lede time').getAttribute('datetime')).toBe(chosen);
    await audit('call confirmation');
    await screenshot('callbacks-confirmation-laptop-light');
    const confirmation = await waitForMail(site.sink, (message) => to(who.email)(message) && (message.subject ?? '').startsWith('Your call with admissions'), `confirmation to ${who.email}`);
    expect(confirmation.attachments.map((attachment) => attachment.filename)).toEqual(['call.ics']);
  });

  test('when a visitor without JavaScript books a time with the mouse, then manages it: the manage page cancels it', async () => {
    const { page, audit, screenshot } = await openWithoutScript({ viewport: 'phone', colorScheme: 'dark' });
    const who = person('Noor', 'Plaincall');
    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    await fillWithMouse(page, who);
    await sendWithMouse(page);
    await expectThanksPage(page, site.app.url, /An admissions advisor will reply today/);
    expect(await page.locator('.call-slot__local').count()).toBe(0);
    await audit('thanks page with the call offer, no JavaScript');
    await screenshot('callbacks-thanks-open-phone-dark-noscript');

    const third = page.locator('.call-slot').nth(2);
    const chosen = await third.locator('input').getAttribute('value');
    await third.click();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Book this time' }).click()]);
    await page.getByRole('heading', { level: 1, name: 'Your call is booked' }).waitFor();
    expect(await page.locator('.lede time').getAttribute('datetime')).toBe(chosen);

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Change or cancel this call' }).click()]);
    await page.getByRole('heading', { level: 1, name: 'Change or cancel your call' }).waitFor();
    await audit('manage page');
    await screenshot('callbacks-manage-phone-dark-noscript');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Cancel my call' }).click()]);
    await page.getByRole('heading', { level: 1, name: 'Your call is cancelled' }).waitFor();
    await audit('cancelled call');
  });

  test('when a visitor asks to be called now, then the confirmation says an advisor will call within minutes', async () => {
    const { page, audit } = await open({ viewport: 'phone', colorScheme: 'light' });
    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    await fillWithMouse(page, person('Sana', 'Nowcall'));
    await sendWithMouse(page);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Call me now' }).click()]);
    await page.getByRole('heading', { level: 1, name: "We'll call you shortly" }).waitFor();
    await audit('call now confirmation');
    await waitForMail(site.sink, (message) => (message.subject ?? '').startsWith('Call now: Sana Nowcall — +1'), 'call now to admissions');
  });
});

describe('Calls from an advisor in a browser, office closed', () => {
  const site = builtSite({ OFFICE_TIMEZONE: ZONE, OFFICE_HOURS: 'Mon-Fri 09:00-21:00', OFFICE_HOLIDAYS: holidaysAroundNow() });
  const open = browserPerTest();

  test('when the office is closed, then the thanks page offers times but not "Call me now"', async () => {
    const { page, audit, screenshot } = await open({ viewport: 'laptop', colorScheme: 'light' });
    await page.goto(`${site.app.url}/articles/${ARTICLE}`);
    await fillWithMouse(page, person('Ola', 'Closedcall'));
    await sendWithMouse(page);
    await expectThanksPage(page, site.app.url, /Our office is closed now/);
    expect(await page.getByRole('button', { name: 'Call me now' }).count()).toBe(0);
    expect(await page.locator('input[name="slot"]').count()).toBeGreaterThan(0);
    expect(await page.locator('.call-slot time').first().textContent()).toMatch(/^\d{1,2}:\d{2} [AP]M E[SD]T$/);
    await audit('thanks page with the call offer, closed');
    await screenshot('callbacks-thanks-closed-laptop-light');
  });
});
