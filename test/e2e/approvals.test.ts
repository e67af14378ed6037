import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutonomyClient } from '../../src/sdk/index.js';
import type { Approval } from '../../src/sdk/index.js';
import { APPROVAL_POLICIES } from '../support/approval-policies.js';
import {
  openDashboard,
  screenshot,
  signIn,
  tabTo,
  unlabelledControls,
  type DashboardFixture,
} from '../support/browser.js';
import {
  AGENT_A,
  createWork,
  HTTP_ORG,
  json,
  mustAct,
  type ProblemBody,
} from '../support/http-fixture.js';

/*
 * Supervision from the browser: an agent asks a person's approval through the SDK and waits, a
 * person decides on the Approvals page (as asked, with edits, or no), and the agent goes on or
 * not; pauses, redirects and promotions from the Agents page, checked through the API.
 */

/** Refunds above 100 need a person's approval, up to 1000; above that nothing permits them. */
const LARGE_REFUNDS = `
@id("large-refunds") @mode("approval")
permit(principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && context.amount > 100 && context.amount <= 1000 };
`;

let dash: DashboardFixture;
let context: BrowserContext;
let page: Page;
/** Ada, an agent of the support domain, through the SDK over real HTTP. */
let ada: AutonomyClient;

beforeAll(async () => {
  dash = await openDashboard();
  // Completing a ticket needs a person's approval; one completion earns a promotion to level 1
  // of the work class, which a person approves.
  const applied = await dash.fx.call('POST', '/v1/config/apply', {
    as: 'admin',
    body: {
      ...HTTP_ORG,
      actions: [
        { id: 'refund', appliesTo: ['domain'], context: { amount: 'Long', note: 'String?' } },
      ],
      policies: [{ name: 'policies/approvals.cedar', text: APPROVAL_POLICIES + LARGE_REFUNDS }],
      // Counts decay from the moment they are made, so one attempt is a little under 1 at once.
      trust: { promotions: [{ class: 'work', to: 1, minAttempts: 0.5 }] },
    },
  });
  expect(applied.statusCode, applied.body).toBe(200);
  ada = new AutonomyClient({
    baseUrl: dash.url,
    token: dash.fx.tokens.agentA.secret,
    actorId: AGENT_A,
  });
  context = await dash.browser.newContext({ viewport: { width: 1280, height: 900 } });
  // A step that cannot happen fails with what it waited for, within the test's time.
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  await signIn(dash, page, 'admin');
});
afterAll(async () => {
  await context.close();
  await dash.close();
});

const openSection = (name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();

/** A ticket assigned to Ada and started by her. */
async function adasTicket(title: string): Promise<string> {
  const item = await createWork(dash.fx, { title });
  await mustAct(dash.fx, item.id, 'assign', { actorId: AGENT_A });
  const started = await ada.start(item.id);
  expect(started.ok).toBe(true);
  return item.id;
}

/** Ada asks to complete the item with these arguments (the body she will send). */
async function askToComplete(id: string, args: Record<string, unknown>): Promise<Approval> {
  const refused = await dash.fx.call('POST', `/v1/work/${id}/complete`, {
    as: 'agentA',
    body: args,
  });
  expect(refused.statusCode, refused.body).toBe(403);
  expect(json<ProblemBody>(refused).code).toBe('approval_required');
  const asked = await ada.requestApproval({
    action: 'complete',
    resource: { type: 'WorkItem', id },
    arguments: args,
    justification: 'the customer has their answer',
  });
  if (!asked.ok) throw new Error(asked.problem.detail);
  return asked.value;
}

const cardOf = (p: Page, approval: Approval): Locator =>
  p.locator(`[data-testid="approval"][data-id="${approval.id}"]`);

async function approvalState(approval: Approval): Promise<string> {
  const response = await dash.fx.call('GET', `/v1/approvals/${approval.id}`, { as: 'viewer' });
  return json<{ state: string }>(response).state;
}

describe('the Approvals page', () => {
  it('shows a request as it arrives; a person approves it and the agent completes the work', async () => {
    await openSection('Approvals');
    await page.getByText('Nothing waits for a decision.').waitFor();
    // A page load would forget this: the request must come in through the live stream.
    await page.evaluate('window.notReloaded = true');

    const id = await adasTicket('Where is my refund?');
    const approval = await askToComplete(id, { reason: 'answered' });
    // Ada waits for the decision (a long poll), as an agent would.
    const waiting = ada.awaitApproval(approval.id, 20);

    const card = cardOf(page, approval);
    await card.waitFor();
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    expect(await card.getByRole('heading').first().textContent()).toBe(
      `ada asks to complete WorkItem ${id}`,
    );
    expect(await card.getByTestId('arguments').textContent()).toBe(
      JSON.stringify({ reason: 'answered' }, null, 2),
    );
    expect(await card.getByTestId('approvers').textContent()).toBe('hana, or an admin');
    await expect.poll(() => page.getByTestId('approval-count').textContent()).toBe('1 waiting');
    await screenshot(page, 'e2e-approvals');

    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason (optional)').fill('checked the answer');
    await dialog.getByRole('button', { name: 'Approve' }).click();

    const decided = await waiting;
    expect(decided.ok && decided.value).toMatchObject({
      state: 'approved',
      decisionReason: 'checked the answer',
    });
    const done = await ada.complete(id, { reason: 'answered', approvalId: approval.id });
    expect(done.ok, JSON.stringify(done)).toBe(true);
    const item = json<{ state: string }>(
      await dash.fx.call('GET', `/v1/work/${id}`, { as: 'viewer' }),
    );
    expect(item.state).toBe('done');
    expect(await approvalState(approval)).toBe('used');
    // Decided, it leaves the queue; the used ones show it with who decided.
    await expect.poll(() => card.count()).toBe(0);
    await page.getByLabel('Show').selectOption('used');
    await expect
      .poll(() => card.getByTestId('decision').textContent())
      .toMatch(/^approved by token:.*: checked the answer$/);
  });

  it('rejects from the browser with a reason: the agent is told, and may not act', async () => {
    await openSection('Approvals');
    const id = await adasTicket('Cancel my order');
    const approval = await askToComplete(id, { reason: 'cancelled it' });
    const waiting = ada.awaitApproval(approval.id, 20);
    const card = cardOf(page, approval);
    await card.getByRole('button', { name: 'Reject' }).click();
    const dialog = page.getByRole('dialog');
    // No reason: the form does not go (the field is required), nothing is sent.
    await dialog.getByRole('button', { name: 'Reject' }).click();
    expect(await dialog.isVisible()).toBe(true);
    expect(await approvalState(approval)).toBe('pending');
    await dialog.getByLabel('Reason').fill('the order already shipped');
    await dialog.getByRole('button', { name: 'Reject' }).click();

    const decided = await waiting;
    expect(decided.ok && decided.value).toMatchObject({
      state: 'rejected',
      decisionReason: 'the order already shipped',
    });
    const refused = await ada.complete(id, { reason: 'cancelled it', approvalId: approval.id });
    expect(!refused.ok && refused.problem).toMatchObject({ status: 403, code: 'forbidden' });
    expect(!refused.ok && refused.problem.detail).toMatch(/rejected/);
    await expect.poll(() => card.count()).toBe(0);
    await page.getByLabel('Show').selectOption('rejected');
    await expect
      .poll(() => card.getByTestId('decision').textContent())
      .toMatch(/^rejected by .*: the order already shipped$/);
    await screenshot(page, 'e2e-approvals-rejected');
  });

  it('approves with edited arguments: bad JSON is refused inline, the diff shows before approving', async () => {
    await openSection('Approvals');
    const refund = { action: 'refund', resource: { type: 'Domain' as const, id: 'support' } };
    const asked = await ada.requestApproval({
      ...refund,
      arguments: { amount: 250 },
      justification: 'the parcel never arrived',
    });
    if (!asked.ok) throw new Error(asked.problem.detail);
    const approval = asked.value;
    const waiting = ada.awaitApproval(approval.id, 20);
    const card = cardOf(page, approval);
    await card.getByRole('button', { name: 'Approve with edits' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve with edits' });
    const editor = dialog.getByLabel('Arguments (JSON)');
    expect(JSON.parse(await editor.inputValue())).toEqual({ amount: 250 });
    await dialog.getByTestId('no-changes').waitFor();

    await editor.fill('{ "amount": ');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/^Not valid JSON/);
    expect(await dialog.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    await editor.fill('[250]');
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toBe('The arguments must be a JSON object ({ … }), not an array.');
    expect(await approvalState(approval)).toBe('pending');

    // Edits the policies deny cannot be approved: the API's reason shows, nothing changes.
    await editor.fill('{ "amount": 2000 }');
    await dialog.getByRole('button', { name: 'Approve with these changes' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/refund/);
    expect(await approvalState(approval)).toBe('pending');

    await editor.fill('{ "amount": 150, "note": "half the shipping back" }');
    const changes = dialog.getByTestId('argument-changes');
    await expect
      .poll(() => changes.locator('tbody tr').allInnerTexts())
      .toEqual(['amount\t250\t150', 'note\t(absent)\t"half the shipping back"']);
    await screenshot(page, 'e2e-approvals-edit');
    await dialog.getByRole('button', { name: 'Approve with these changes' }).click();

    const decided = await waiting;
    const edited = { amount: 150, note: 'half the shipping back' };
    expect(decided.ok && decided.value).toMatchObject({
      state: 'approved',
      approvedArguments: edited,
      changes: [
        { path: 'amount', requested: 250, approved: 150 },
        { path: 'note', approved: 'half the shipping back' },
      ],
    });
    // What was asked no longer goes; what was approved does, once.
    const asAsked = await ada.performAction({
      ...refund,
      arguments: { amount: 250 },
      approvalId: approval.id,
    });
    expect(!asAsked.ok && asAsked.problem.status).toBe(403);
    const done = await ada.performAction({ ...refund, arguments: edited, approvalId: approval.id });
    expect(done.ok, JSON.stringify(done)).toBe(true);
    expect(await approvalState(approval)).toBe('used');
    await page.getByLabel('Show').selectOption('used');
    await card.getByTestId('argument-changes').waitFor();
  });

  it('counts the approvals waiting on the overview', async () => {
    await openSection('Overview');
    await expect.poll(() => page.getByTestId('pending-approvals').textContent()).toBe('0');
    const id = await adasTicket('Wrong size');
    const approval = await askToComplete(id, { reason: 'exchanged' });
    await expect.poll(() => page.getByTestId('pending-approvals').textContent()).toBe('1');
    // Left pending for the tests that follow.
    expect(await approvalState(approval)).toBe('pending');
  });
});

describe('the Agents page', () => {
  it('shows trust with its evidence, and a person approves the promotion it earned', async () => {
    await openSection('Agents and people');
    const row = page.getByTestId('trust-ada-support-work');
    // Ada completed one ticket: one attempt, one success (decayed since, so maybe not whole).
    await expect.poll(() => row.locator('td').nth(3).textContent()).toMatch(/^1(\.0)?$/);
    expect(await row.locator('td').nth(5).textContent()).toBe('100%');
    const approve = page.getByRole('button', {
      name: 'Approve the promotion of Ada to 1 in support work',
    });
    await approve.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => row.locator('td').nth(2).textContent()).toMatch(/^1 act with approval/);
    expect(await approve.count()).toBe(0);
    const trust = json<{ items: { level: number; setBy: string }[] }>(
      await dash.fx.call('GET', `/v1/trust?actorId=${AGENT_A}&domainId=support&class=work`, {
        as: 'viewer',
      }),
    );
    expect(trust.items[0]?.level).toBe(1);
    await screenshot(page, 'e2e-agents-trust');
  });

  it('pauses a class of an agent: its actions of that class are refused through the API', async () => {
    await createWork(dash.fx, { title: 'For whoever claims it' });
    await page.getByRole('button', { name: 'Pause a class of Ada' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pause a class of Ada' });
    const classes = dialog.getByLabel('Action class');
    expect(await classes.locator('option').allTextContents()).toEqual(['work', 'refund']);
    await classes.selectOption('work');
    // Only spaces for a reason: said inline, nothing paused.
    await dialog.getByLabel('Reason').fill('   ');
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/^Say why/);
    const none = json<{ items: unknown[] }>(
      await dash.fx.call('GET', '/v1/pauses?active=true', { as: 'viewer' }),
    );
    expect(none.items).toEqual([]);
    await dialog.getByLabel('Reason').fill('checking its answers');
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await expect
      .poll(() => page.getByTestId(`controls-${AGENT_A}`).textContent())
      .toMatch(/work paused by token:.*checking its answers/);
    await screenshot(page, 'e2e-agents-paused');

    const claim = await dash.fx.call('POST', '/v1/work/claim', { as: 'agentA', body: {} });
    expect(claim.statusCode, claim.body).toBe(403);
    expect(json<ProblemBody>(claim).detail).toMatch(/paused.*checking its answers/);
    // Its other classes go on.
    const refund = await dash.fx.call('POST', '/v1/authority/check', {
      as: 'agentA',
      body: {
        action: 'refund',
        resource: { type: 'Domain', id: 'support' },
        context: { amount: 5 },
      },
    });
    expect(json<{ decision: string }>(refund).decision).toBe('allow');

    await page.getByRole('button', { name: "Lift the pause of Ada's work actions" }).click();
    await page.getByRole('dialog').getByLabel('Reason').fill('answers checked');
    await page.getByRole('dialog').getByRole('button', { name: 'Lift' }).click();
    await expect.poll(() => page.getByTestId(`controls-${AGENT_A}`).textContent()).toMatch(/^None/);
    const again = await dash.fx.call('POST', '/v1/work/claim', { as: 'agentA', body: {} });
    expect(again.statusCode, again.body).toBe(200);
  });

  it('redirects an agent’s work to a person, and lifts the redirect', async () => {
    const held = json<{ items: { id: string }[] }>(
      await dash.fx.call('GET', `/v1/work?owner=${AGENT_A}`, { as: 'viewer' }),
    ).items.map((i) => i.id);
    expect(held.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Redirect the work of Ada' }).click();
    const dialog = page.getByRole('dialog', { name: 'Redirect the work of Ada' });
    await dialog.getByLabel('To').selectOption('hana');
    await dialog.getByLabel('Reason').fill('a person takes over today');
    await dialog.getByRole('button', { name: 'Redirect' }).click();
    const card = page.getByTestId(`agent-${AGENT_A}`);
    await expect
      .poll(() => card.getByRole('status').textContent())
      .toBe(`${held.length} item${held.length === 1 ? '' : 's'} moved to hana.`);
    await expect
      .poll(() => page.getByTestId(`controls-${AGENT_A}`).textContent())
      .toMatch(/redirected to hana by token:.*a person takes over today/);
    for (const id of held) {
      const item = json<{ ownerId: string }>(
        await dash.fx.call('GET', `/v1/work/${id}`, { as: 'viewer' }),
      );
      expect(item.ownerId).toBe('hana');
    }
    const claim = await dash.fx.call('POST', '/v1/work/claim', { as: 'agentA', body: {} });
    expect(claim.statusCode, claim.body).toBe(403);
    await screenshot(page, 'e2e-agents-redirected');

    await page.getByRole('button', { name: "Lift the redirect of Ada's work" }).click();
    await page.getByRole('dialog').getByLabel('Reason').fill('back to normal');
    await page.getByRole('dialog').getByRole('button', { name: 'Lift' }).click();
    await expect.poll(() => page.getByTestId(`controls-${AGENT_A}`).textContent()).toMatch(/^None/);
    const redirects = json<{ items: unknown[] }>(
      await dash.fx.call('GET', '/v1/redirects?active=true', { as: 'viewer' }),
    );
    expect(redirects.items).toEqual([]);
  });
});

describe('on a 390 px phone, from the keyboard', () => {
  it('decides approvals and opens the agent controls, every control labelled', async () => {
    const phone = await dash.browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const small = await phone.newPage();
      await signIn(dash, small, 'admin');
      for (const path of ['/approvals', '/approvals?view=all', '/agents']) {
        await small.goto(`${dash.url}${path}`);
        await small.getByRole('main').getByRole('heading').first().waitFor();
        await (
          path === '/agents'
            ? small.getByTestId(`controls-${AGENT_A}`)
            : small.getByTestId('approval').first()
        ).waitFor();
        expect(
          await small.evaluate<number>('document.documentElement.scrollWidth'),
          path,
        ).toBeLessThanOrEqual(390);
        expect(await unlabelledControls(small), path).toEqual([]);
      }
      await small.goto(`${dash.url}/approvals`);
      await small.getByTestId('approval').first().waitFor();
      await screenshot(small, 'e2e-approvals-390');

      // The queue's buttons are reached with Tab, and a dialog opened with Enter closes on Escape.
      await tabTo(small, 'Approve with edits');
      await small.keyboard.press('Enter');
      const dialog = small.getByRole('dialog', { name: 'Approve with edits' });
      await dialog.waitFor();
      expect(await unlabelledControls(small)).toEqual([]);
      await screenshot(small, 'e2e-approvals-edit-390');
      await small.keyboard.press('Escape');
      await expect.poll(() => dialog.count()).toBe(0);
      await tabTo(small, 'Reject');
      await small.keyboard.press('Enter');
      await small.keyboard.type('not today');
      await small.keyboard.press('Tab');
      await small.keyboard.press('Tab');
      expect(await small.evaluate<string>('document.activeElement.textContent')).toBe('Reject');
      await small.keyboard.press('Enter');
      await expect.poll(() => small.getByText('Nothing waits for a decision.').count()).toBe(1);

      await small.goto(`${dash.url}/agents`);
      await small.getByTestId(`controls-${AGENT_A}`).waitFor();
      await tabTo(small, 'Pause a class of Ada');
      await small.keyboard.press('Enter');
      await small.getByRole('dialog', { name: 'Pause a class of Ada' }).waitFor();
      expect(await unlabelledControls(small)).toEqual([]);
      await small.keyboard.press('Escape');
      await tabTo(small, 'Redirect the work of Ada');
      await screenshot(small, 'e2e-agents-390');
    } finally {
      await phone.close();
    }
  });
});
