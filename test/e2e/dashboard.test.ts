import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_A, createWork, json, type ProblemBody } from '../support/http-fixture.js';
import {
  openDashboard,
  screenshot,
  signIn,
  unlabelledControls,
  type DashboardFixture,
} from '../support/browser.js';

let dash: DashboardFixture;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  dash = await openDashboard();
  context = await dash.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});
afterAll(async () => {
  await context.close();
  await dash.close();
});

/** Moves through the section links, as a person does: no page load. */
const openSection = (name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();

describe('the dashboard, signed in as an operator', () => {
  it('refuses an unknown token, then signs in and says who the token is', async () => {
    await page.goto(`${dash.url}/`);
    await page.getByLabel('API token').fill('aut_not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/unknown or revoked/);

    await signIn(dash, page, 'operator');
    await expect.poll(() => page.getByTestId('role').textContent()).toMatch(/operator/);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
    await screenshot(page, 'e2e-overview');
  });

  it('shows a work item created through the API on the board, without a reload', async () => {
    await openSection('Work');
    await page.getByRole('heading', { name: 'Work', exact: true }).waitFor();
    await expect.poll(() => page.getByTestId('count-queued').textContent()).toBe('0');
    // A page load would forget this.
    await page.evaluate('window.notReloaded = true');

    const item = await createWork(dash.fx, { title: 'Fresh from the API' });
    const card = page
      .getByRole('region', { name: 'queued items' })
      .getByRole('link', { name: /Fresh from the API/ });
    await card.waitFor();
    await expect.poll(() => page.getByTestId('count-queued').textContent()).toBe('1');
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await screenshot(page, 'e2e-board');

    // Its detail says why it waits, and where it moves the board follows.
    await card.click();
    await page.getByRole('heading', { name: 'Fresh from the API' }).waitFor();
    await page.getByTestId('explain-summary').waitFor();
    await page.getByRole('link', { name: '← Board' }).click();
    const assigned = await dash.fx.call('POST', `/v1/work/${item.id}/assign`, {
      as: 'operator',
      body: { actorId: AGENT_A },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    await page
      .getByRole('region', { name: 'assigned items' })
      .getByRole('link', { name: /Fresh from the API/ })
      .waitFor();
    await expect.poll(() => page.getByTestId('count-queued').textContent()).toBe('0');
  });

  it('acknowledges an exception from the inbox', async () => {
    const raised = await dash.fx.call('POST', '/v1/exceptions', {
      as: 'operator',
      body: {
        labels: { alertname: 'QueueOnFire', domain: 'support' },
        severity: 'critical',
        summary: 'The support queue is on fire',
      },
    });
    expect(raised.statusCode, raised.body).toBe(201);
    const id = json<{ id: string }>(raised).id;

    await openSection('Exceptions');
    const row = page.getByTestId('exception').filter({ hasText: 'The support queue is on fire' });
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click();
    await row.getByText('acknowledged', { exact: true }).waitFor();
    await expect.poll(() => row.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

    const after = json<{ state: string; acknowledgedBy: string }>(
      await dash.fx.call('GET', `/v1/exceptions/${id}`, { as: 'viewer' }),
    );
    expect(after.state).toBe('acknowledged');
    await screenshot(page, 'e2e-exceptions');
  });

  it('halts an agent from its page: its next claim is refused', async () => {
    await createWork(dash.fx, { title: 'For Ada' });
    await openSection('Agents and people');
    await page.getByRole('button', { name: 'Halt Ada' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason').fill('answers customers in Latin');
    await dialog.getByRole('button', { name: 'Halt' }).click();
    await expect.poll(() => page.getByTestId(`halt-${AGENT_A}`).textContent()).toMatch(/halted/);
    await screenshot(page, 'e2e-agents');

    const claim = await dash.fx.call('POST', '/v1/work/claim', { as: 'agentA', body: {} });
    expect(claim.statusCode, claim.body).toBe(403);
    expect(json<ProblemBody>(claim).detail).toMatch(/halted.*answers customers in Latin/);

    // Resuming from the same page lets it work again.
    await page.getByRole('button', { name: 'Resume Ada' }).click();
    await page.getByRole('dialog').getByLabel('Reason').fill('fixed');
    await page.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.getByTestId(`halt-${AGENT_A}`).textContent()).toBe('running');
    const again = await dash.fx.call('POST', '/v1/work/claim', { as: 'agentA', body: {} });
    expect(again.statusCode, again.body).toBe(200);
  });

  it('stops every agent with the button on the overview, after a confirmation', async () => {
    await openSection('Overview');
    await page.getByRole('button', { name: 'Stop all agents' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason').fill('incident drill');
    await dialog.getByRole('button', { name: 'Stop all agents' }).click();
    await page.getByTestId('line-stopped').waitFor();
    const halts = json<{ items: { scope: { kind: string } }[] }>(
      await dash.fx.call('GET', '/v1/halts?active=true', { as: 'viewer' }),
    );
    expect(halts.items.map((h) => h.scope.kind)).toContain('all');
    const claim = await dash.fx.call('POST', '/v1/work/claim', { as: 'agentB', body: {} });
    expect(claim.statusCode, claim.body).toBe(403);
    await screenshot(page, 'e2e-stopped');

    await page.getByRole('button', { name: 'Restart the line' }).click();
    await page.getByRole('dialog').getByLabel('Reason').fill('drill over');
    await page.getByRole('dialog').getByRole('button', { name: 'Restart' }).click();
    await expect.poll(() => page.getByTestId('line-stopped').count()).toBe(0);
  });

  it('shows the outcomes and the audit log with the chain verified', async () => {
    await openSection('Outcomes');
    await page.getByRole('img', { name: 'Items arrived and completed per hour' }).waitFor();
    await openSection('Audit');
    await expect.poll(() => page.getByTestId('chain-status').textContent()).toMatch(/verified/);
    await expect.poll(() => page.getByTestId('event-row').count()).toBeGreaterThan(0);
    await screenshot(page, 'e2e-audit');
  });

  it('works on a 390 px phone, from the keyboard', async () => {
    const phone = await dash.browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const small = await phone.newPage();
      await signIn(dash, small, 'operator');
      // Nothing is wider than the screen (the board and wide tables scroll inside themselves),
      // and every control has a name.
      for (const path of [
        '/',
        '/agents',
        '/approvals',
        '/exceptions',
        '/outcomes',
        '/audit',
        '/work',
      ]) {
        await small.goto(`${dash.url}${path}`);
        await small.getByRole('main').getByRole('heading').first().waitFor();
        // The agents' trust tables and controls are the widest part of their page.
        if (path === '/agents') await small.getByTestId(`controls-${AGENT_A}`).waitFor();
        expect(
          await small.evaluate<number>('document.documentElement.scrollWidth'),
          path,
        ).toBeLessThanOrEqual(390);
        expect(await unlabelledControls(small), path).toEqual([]);
      }
      await small.getByRole('region', { name: 'queued items' }).waitFor();
      await screenshot(small, 'e2e-board-390');

      // The first Tab reaches the skip link, the next ones the sections.
      await small.keyboard.press('Tab');
      expect(await small.evaluate<string>('document.activeElement.textContent')).toBe(
        'Skip to content',
      );
      await small.keyboard.press('Tab');
      expect(await small.evaluate<string>('document.activeElement.textContent')).toBe('Overview');
      await small.keyboard.press('Enter');
      await small.getByRole('heading', { name: 'Overview' }).waitFor();
    } finally {
      await phone.close();
    }
  });
});
