import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { openHttpFixture, type HttpFixture, type Role } from './http-fixture.js';

/** Debian's Chromium (installed by .ci/run when missing): no browser download. */
export const CHROMIUM = process.env.AUTONOMY_CHROMIUM ?? '/usr/bin/chromium';

/** Quiet, headless, sandbox off (containers run as root): nothing reaches out on its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const SCREENSHOTS = 'test-results';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface DashboardFixture {
  fx: HttpFixture;
  /** The server's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The HTTP fixture (test organization, a token per role) listening on a free port with the built
 * dashboard, and one Chromium for the whole file.
 */
export async function openDashboard(): Promise<DashboardFixture> {
  const fx = await openHttpFixture();
  try {
    await fx.app.listen({ host: '127.0.0.1', port: 0 });
    const address = fx.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const browser = await launchChromium();
    return {
      fx,
      url: `http://127.0.0.1:${address.port}`,
      browser,
      async close() {
        await browser.close();
        await fx.close();
      },
    };
  } catch (error) {
    await fx.close();
    throw error;
  }
}

/** Signs in through the login form with a role's token, and waits for the overview. */
export async function signIn(dash: DashboardFixture, page: Page, role: Role): Promise<void> {
  await page.goto(`${dash.url}/`);
  await page.getByLabel('API token').fill(dash.fx.tokens[role].secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
}

/** Saves a full-page screenshot under test-results/ for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  expect(path).toMatch(/\.png$/);
}

/**
 * The controls of the page (buttons, fields, links, anything focusable) that have no accessible
 * name: no text, `aria-label`, `aria-labelledby` or `<label>`. Each as the start of its HTML.
 */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const named = (el) => {
      if ((el.getAttribute('aria-label') ?? '').trim() !== '') return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(/\\s+/).some((id) => (document.getElementById(id)?.textContent ?? '').trim() !== '')) return true;
      if (el.labels && [...el.labels].some((l) => l.textContent.trim() !== '')) return true;
      if (['BUTTON', 'A', 'SUMMARY'].includes(el.tagName) && el.textContent.trim() !== '') return true;
      return (el.getAttribute('title') ?? '').trim() !== '';
    };
    const controls = document.querySelectorAll(
      'button, input, select, textarea, a[href], summary, [tabindex]:not([tabindex="-1"])',
    );
    return [...controls].filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 120));
  })()`);
}

/** The accessible name of the focused element, as far as the dashboard's controls go. */
export function focusedName(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const el = document.activeElement;
    return ((el && (el.getAttribute('aria-label') || el.textContent)) || '').trim();
  })()`);
}

/** Presses Tab until the control named `name` has the focus (at most `limit` times). */
export async function tabTo(page: Page, name: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if ((await focusedName(page)) === name) return;
  }
  throw new Error(`Tab never reached '${name}' in ${limit} presses`);
}
