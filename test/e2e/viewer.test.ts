import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyApprovalPolicies } from '../support/approval-policies.js';
import { AGENT_A, createWork, mustAct, type Role } from '../support/http-fixture.js';
import { openDashboard, screenshot, signIn, type DashboardFixture } from '../support/browser.js';

let dash: DashboardFixture;
let itemId = '';
const contexts: BrowserContext[] = [];
const pages = {} as Record<'viewer' | 'operator' | 'admin', Page>;

/** Every button that changes something, on any page. */
const WRITE_BUTTONS =
  /^(Stop all agents|Restart the line|Halt .*|Resume .*|Lift .*|Acknowledge|Resolve|Silence|Pause|Pause a class of .*|Redirect the work of .*|Resume|Cancel|Retry|Release|Approve|Approve with edits|Reject|(Approve|Reject) the promotion of .*)$/;

beforeAll(async () => {
  dash = await openDashboard();
  itemId = (await createWork(dash.fx, { title: 'Something to do' })).id;
  await dash.fx.call('POST', '/v1/exceptions', {
    as: 'operator',
    body: { labels: { alertname: 'Smoke', domain: 'support' }, summary: 'Smoke in the queue' },
  });
  // An approval waits for a person: only its approvers and admins may decide it.
  await applyApprovalPolicies(dash.fx);
  const ticket = await createWork(dash.fx, { title: 'A question' });
  await mustAct(dash.fx, ticket.id, 'assign', { actorId: AGENT_A });
  await mustAct(dash.fx, ticket.id, 'start', undefined, 'agentA');
  const asked = await dash.fx.call('POST', '/v1/approvals', {
    as: 'agentA',
    body: { action: 'complete', resource: { type: 'WorkItem', id: ticket.id } },
  });
  if (asked.statusCode !== 201) throw new Error(asked.body);
  for (const role of ['viewer', 'operator', 'admin'] as const) {
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
  /**
   * Each page, what shows once the reads its buttons depend on have answered, and who sees
   * buttons there (approvals are decided by their approvers and admins, not any operator).
   */
  const PAGES: Record<
    string,
    { loaded: (page: Page) => Promise<void>; writer?: 'operator' | 'admin' }
  > = {
    '/': {
      loaded: (page) => page.getByTestId('halted-agents').filter({ hasText: 'of' }).waitFor(),
    },
    '/agents': {
      loaded: async (page) => {
        await page.getByTestId('halt-ada').waitFor();
        await page.getByTestId('controls-ada').waitFor();
      },
    },
    '/approvals': {
      loaded: (page) => page.getByTestId('approval').first().waitFor(),
      writer: 'admin',
    },
    '/exceptions': { loaded: (page) => page.getByTestId('exception').first().waitFor() },
    '/work/ITEM': {
      loaded: async (page) => {
        // The item (whose state decides the actions) and its explanation are two reads.
        await page.getByRole('heading', { name: 'Something to do' }).waitFor();
        await page.getByTestId('explain-summary').waitFor();
      },
    },
  };
  for (const [path, { loaded, writer = 'operator' }] of Object.entries(PAGES)) {
    it(`sees no write buttons on ${path}, where an ${writer} sees some`, async () => {
      const url = `${dash.url}${path.replace('ITEM', itemId)}`;
      const count = async (page: Page) => {
        await page.goto(url);
        await loaded(page);
        return page.getByRole('button', { name: WRITE_BUTTONS }).count();
      };
      expect(await count(pages[writer])).toBeGreaterThan(0);
      expect(await count(pages.viewer)).toBe(0);
      await screenshot(pages.viewer, `e2e-viewer${path.replace(/\W+/g, '-').replace(/-$/, '')}`);
    });
  }

  it('is told who may decide an approval, as is an operator who is not one of its approvers', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const page = pages[role];
      await page.goto(`${dash.url}/approvals`);
      const card = page.getByTestId('approval').first();
      await card.waitFor();
      expect(await card.getByTestId('approvers').textContent()).toBe('hana, or an admin');
      expect(await card.getByRole('button').count(), role).toBe(0);
    }
  });

  it('is named as a viewer', async () => {
    expect(await pages.viewer.getByTestId('role').textContent()).toMatch(/viewer/);
  });
});
