import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { PERSON } from '../../support/inquiries';

/** What a prospective student types into the inquiry form. */
export interface Person {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  /** A program code, e.g. HCA-BS. */
  program: string;
  /** How the program reads in the list: its first word is typed to choose it with the keyboard. */
  programLabel: string;
  postalCode?: string;
  message?: string;
}

export const ARTICLE = 'how-online-classes-work';
export const ARTICLE_TITLE = 'How Online Classes Work at Frontdesk College';

/** The form's fields in the order Tab should visit them. */
export const TAB_ORDER = ['firstName', 'lastName', 'email', 'phone', 'program', 'postalCode', 'educationLevel', 'message', 'consent'] as const;

export function person(firstName: string, lastName: string, overrides: Partial<Person> = {}): Person {
  return {
    firstName,
    lastName,
    email: `${firstName}.${lastName}@example.org`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(),
    phone: PERSON.phone,
    program: PERSON.program,
    programLabel: 'Healthcare Administration',
    postalCode: '10027',
    message: 'Can I start in January while working full time?',
    ...overrides,
  };
}

/** On the index page, opens the article from its card, as a visitor would. */
export async function openArticleFromIndex(page: Page, baseUrl: string): Promise<void> {
  await page.getByRole('link', { name: ARTICLE_TITLE }).click();
  await page.waitForURL(`${baseUrl}/articles/${ARTICLE}`);
  await page.getByRole('heading', { level: 1, name: ARTICLE_TITLE }).waitFor();
}

/** Fills the form by clicking into each field, as with a mouse or a finger. */
export async function fillWithMouse(page: Page, who: Person): Promise<void> {
  const form = page.locator('form.inquiry-form');
  for (const field of ['firstName', 'lastName', 'email', 'phone', 'postalCode', 'message'] as const) {
    const input = form.locator(`#${field}`);
    await input.click();
    await input.fill(who[field] ?? '');
  }
  await form.locator('#program').selectOption(who.program);
  await form.locator('#educationLevel').selectOption('some-college');
  await form.getByLabel(/I agree/i).check();
}

/**
 * Fills the form with the keyboard alone: Tab from the top of the page until
 * the first field, then field by field, checking that Tab visits them in
 * order and that each shows a visible focus indicator.
 */
export async function fillWithKeyboard(page: Page, who: Person): Promise<void> {
  await page.locator('body').focus();
  for (let presses = 0; (await focusedId(page)) !== 'firstName'; presses += 1) {
    if (presses > 60) throw new Error('Tab never reached the first name field');
    await page.keyboard.press('Tab');
    await expectVisibleFocus(page);
  }
  const values: Record<(typeof TAB_ORDER)[number], string> = {
    firstName: who.firstName,
    lastName: who.lastName,
    email: who.email,
    phone: who.phone,
    // A closed <select> picks the first option starting with the typed letters
    // (a space would open its list instead).
    program: who.programLabel.split(' ')[0]!,
    postalCode: who.postalCode ?? '',
    educationLevel: 'Some',
    message: who.message ?? '',
    consent: ' ',
  };
  for (const [index, field] of TAB_ORDER.entries()) {
    if (index > 0) await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe(field);
    await expectVisibleFocus(page);
    if (field === 'consent') await page.keyboard.press('Space');
    else await page.keyboard.type(values[field]);
  }
  await page.keyboard.press('Tab');
  expect(await page.evaluate('document.activeElement.textContent.trim()')).toBe('Send my question');
  await expectVisibleFocus(page);
}

/** Waits (briefly) until the element with this id has focus: the page's script moves it once the page has loaded. */
export async function expectFocusMovesTo(page: Page, id: string): Promise<void> {
  await page.waitForFunction((wanted) => (globalThis as any).document.activeElement?.id === wanted, id, { timeout: 5_000 }).catch(async () => {
    throw new Error(`focus should be on #${id}, but it is on "${await focusedId(page)}"`);
  });
}

/** The id of the focused element ('' for none). */
export function focusedId(page: Page): Promise<string> {
  return page.evaluate('document.activeElement ? document.activeElement.id : ""') as Promise<string>;
}

/** The focused element draws an outline (or a ring) that a sighted keyboard user can see. */
export async function expectVisibleFocus(page: Page): Promise<void> {
  const focus = (await page.evaluate(`(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    return { tag: element.tagName + (element.id ? '#' + element.id : ''), outline: style.outlineStyle, width: parseFloat(style.outlineWidth), shadow: style.boxShadow };
  })()`)) as { tag: string; outline: string; width: number; shadow: string } | null;
  if (!focus) return;
  const visible = (focus.outline !== 'none' && focus.width >= 2) || focus.shadow !== 'none';
  if (!visible) throw new Error(`${focus.tag} has focus but shows no focus indicator (outline ${focus.outline} ${focus.width}px, box-shadow ${focus.shadow})`);
}

/**
 * The form token records when the form was rendered, and the app takes a form
 * sent back within 2 s for a bot (stored as spam, never emailed). A person
 * takes longer than that; a test filling fields at machine speed does not, so
 * it waits out what is left of those 2 s before sending. This is the only
 * wait on the wall clock: the app under test runs on the real clock.
 */
export async function waitUntilAPersonCouldHaveFilledIt(page: Page): Promise<void> {
  const token = await page.locator('input[name="formToken"]').inputValue();
  const renderedAt = parseInt(token.split('.')[0]!, 36);
  const left = renderedAt + 2_100 - Date.now();
  if (left > 0) await sleep(left);
}

/** Clicks "Send my question" and waits for the page that answers. */
export async function sendWithMouse(page: Page): Promise<void> {
  await waitUntilAPersonCouldHaveFilledIt(page);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send my question' }).click()]);
}

/** Presses Enter on the focused "Send my question" button. */
export async function sendWithKeyboard(page: Page): Promise<void> {
  await waitUntilAPersonCouldHaveFilledIt(page);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

export async function expectThanksPage(page: Page, baseUrl: string, reply: RegExp): Promise<void> {
  // The redirect keeps the form's #inquiry fragment, which the thanks page has no use for.
  expect(page.url().split('#')[0]).toBe(`${baseUrl}/inquiries/thanks`);
  await page.getByRole('heading', { level: 1, name: 'Thank you — we have your question' }).waitFor();
  expect(await page.locator('.thanks .lede').textContent()).toMatch(reply);
}
