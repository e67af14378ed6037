import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWork, type Role } from '../support/http-fixture.js';
import { openDashboard, screenshot, signIn, type DashboardFixture } from '../support/browser.js';

let dash: DashboardFixture;
let itemId = '';
const contexts: BrowserContext[] = [];
const pages = {} as Record<'viewer' | 'operator', Page>;

/** Every button that changes something, on any page. */
const WRITE_BUTTONS =
  /^(Stop all agents|Restart the line|Halt .*|Resume .*|Lift .*|Acknowledge|Resolve|Silence|Pause|Resume|Cancel|Retry|Release)$/;

beforeAll(async () => {
  dash = await openDashboard();
  itemId = (await createWork(dash.fx, { title: 'Something to do' })).id;
  await dash.fx.call('POST', '/v1/exceptions', {
    as: 'operator',
    body: { labels: { alertname: 'Smoke', domain: 'support' }, summary: 'Smoke in the queue' },
  });
  for (const role of ['viewer', 'operator'] as const) {
    const context = await dash.browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    pages[role] = await context.newPage();
    await signIn(dash, pages[role], role satisfies Role);
  }
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await dash.close();
});

describe('a viewer', () => {
  /** Each page, and what shows once the reads its buttons depend on have answered. */
  const PAGES: Record<string, (page: Page) => Promise<void>> = {
    '/': (page) => page.getByTestId('halted-agents').filter({ hasText: 'of' }).waitFor(),
    '/agents': (page) => page.getByTestId('halt-ada').waitFor(),
    '/exceptions': (page) => page.getByTestId('exception').first().waitFor(),
    '/work/ITEM': async (page) => {
      // The item (whose state decides the actions) and its explanation are two reads.
      await page.getByRole('heading', { name: 'Something to do' }).waitFor();
      await page.getByTestId('explain-summary').waitFor();
    },
  };
  for (const [path, loaded] of Object.entries(PAGES)) {
    it(`sees no write buttons on ${path}, where an operator sees some`, async () => {
      const url = `${dash.url}${path.replace('ITEM', itemId)}`;
      const count = async (page: Page) => {
        await page.goto(url);
        await loaded(page);
        return page.getByRole('button', { name: WRITE_BUTTONS }).count();
      };
      expect(await count(pages.operator)).toBeGreaterThan(0);
      expect(await count(pages.viewer)).toBe(0);
      await screenshot(pages.viewer, `e2e-viewer${path.replace(/\W+/g, '-').replace(/-$/, '')}`);
    });
  }

  it('is named as a viewer', async () => {
    expect(await pages.viewer.getByTestId('role').textContent()).toMatch(/viewer/);
  });
});
