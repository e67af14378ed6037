import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_A,
  createWork,
  expectIssue,
  expectRefusedWithoutChange,
  json,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

/* Halts through the API: in force on the very next request, audited, lifted by people. */

let fx: HttpFixture;
beforeAll(async () => {
  fx = await openHttpFixture();
});
afterAll(async () => {
  await fx.close();
});

describe('halts', () => {
  it('halts an agent: its next claim is refused, until the halt is lifted', async () => {
    await createWork(fx, { typeId: 'ticket', title: 'one' });
    const claimed = await fx.call('POST', '/v1/work/claim', { as: 'agentA', body: {} });
    expect(claimed.statusCode, claimed.body).toBe(200);

    const halted = await fx.call('POST', '/v1/halts', {
      as: 'operator',
      body: { scope: { kind: 'actor', id: AGENT_A }, reason: 'misbehaving' },
    });
    expect(halted.statusCode, halted.body).toBe(201);
    const { halt, requeued } = json<{ halt: { id: string }; requeued: string[] }>(halted);
    expect(requeued).toHaveLength(1);

    const refused = await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', '/v1/work/claim', { as: 'agentA', body: {} }),
      403,
      'forbidden',
    );
    expect(refused.detail).toMatch(/'ada' is halted .*misbehaving/);
    // Reading still works for it; other agents are untouched.
    expect((await fx.call('GET', '/v1/work', { as: 'agentA' })).statusCode).toBe(200);
    expect((await fx.call('POST', '/v1/work/claim', { as: 'agentB', body: {} })).statusCode).toBe(
      200,
    );

    const active = await fx.call('GET', '/v1/halts?active=true', { as: 'viewer' });
    expect(json<{ items: { id: string }[] }>(active).items.map((h) => h.id)).toEqual([halt.id]);

    const lifted = await fx.call('POST', `/v1/halts/${halt.id}/lift`, {
      as: 'admin',
      body: { reason: 'fixed' },
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    const body = json<{ liftedBy: string; liftReason: string }>(lifted);
    expect(body.liftedBy).toMatch(/^token:/);
    expect(body.liftReason).toBe('fixed');
    await createWork(fx, { typeId: 'ticket', title: 'two' });
    expect((await fx.call('POST', '/v1/work/claim', { as: 'agentA', body: {} })).statusCode).toBe(
      200,
    );
  });

  it('refuses bad halts and agents halting, with nothing changed', async () => {
    const bad = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/halts', {
          as: 'operator',
          body: { scope: { kind: 'team', id: 'x' }, reason: 'r' },
        }),
      400,
      'validation_failed',
    );
    expectIssue(bad, 'scope.kind');
    const person = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/halts', {
          as: 'operator',
          body: { scope: { kind: 'actor', id: 'hana' }, reason: 'r' },
        }),
      400,
      'validation_failed',
    );
    expectIssue(person, 'scope.id');
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/halts', {
          as: 'agentB',
          body: { scope: { kind: 'all' }, reason: 'r' },
        }),
      403,
      'forbidden',
    );
  });
});
