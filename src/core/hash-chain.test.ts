import { describe, expect, it } from 'vitest';
import type { StoredEvent } from './events.js';
import { GENESIS_HASH, hashEvent, verifyChain } from './hash-chain.js';

function chain(count: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const fields = {
      seq,
      time: `2026-01-01T00:00:0${seq}.000Z`,
      type: 'test.thing.happened',
      actor: 'system',
      subject: `s${seq}`,
      payload: { n: seq },
    };
    const hash = hashEvent(prevHash, fields);
    events.push({ ...fields, prevHash, hash });
    prevHash = hash;
  }
  return events;
}

describe('hashEvent', () => {
  it('does not depend on key order (canonical JSON)', () => {
    const a = hashEvent(GENESIS_HASH, {
      seq: 1,
      time: 't',
      type: 'x',
      actor: 'a',
      subject: null,
      payload: { b: 1, a: 2 },
    });
    const b = hashEvent(GENESIS_HASH, {
      seq: 1,
      time: 't',
      type: 'x',
      actor: 'a',
      subject: null,
      payload: { a: 2, b: 1 },
    });
    expect(a).toBe(b);
  });

  it('changes with the previous hash', () => {
    const fields = { seq: 1, time: 't', type: 'x', actor: 'a', subject: null, payload: {} };
    expect(hashEvent(GENESIS_HASH, fields)).not.toBe(hashEvent('f'.repeat(64), fields));
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and its head', async () => {
    const events = chain(5);
    const last = events[4] as StoredEvent;
    expect(await verifyChain(events, { seq: 5, hash: last.hash })).toEqual({
      ok: true,
      checked: 5,
      lastSeq: 5,
      problem: null,
    });
  });

  it('reports an edited event', async () => {
    const events = chain(5);
    events[2] = { ...(events[2] as StoredEvent), payload: { n: 99 } };
    const result = await verifyChain(events);
    expect(result.problem).toMatchObject({ kind: 'hash_mismatch', seq: 3 });
  });

  it('reports a deleted event', async () => {
    const events = chain(5);
    events.splice(1, 1);
    expect((await verifyChain(events)).problem).toMatchObject({ kind: 'missing', seq: 2 });
  });

  it('reports deletion of the newest events against the head', async () => {
    const events = chain(5);
    const head = { seq: 5, hash: (events[4] as StoredEvent).hash };
    expect((await verifyChain(events.slice(0, 3), head)).problem).toMatchObject({
      kind: 'missing',
      seq: 4,
    });
  });

  it('reports two events whose positions were swapped', async () => {
    const events = chain(5);
    const [second, third] = [events[1] as StoredEvent, events[2] as StoredEvent];
    events[1] = { ...third, seq: 2 };
    events[2] = { ...second, seq: 3 };
    expect((await verifyChain(events)).problem).toMatchObject({ seq: 2 });
  });
});
