import { describe, expect, it } from 'vitest';
import { findDependencyCycle } from './find-dependency-cycle.js';

const graph = (edges: Record<string, string[]>) => (id: string) => Promise.resolve(edges[id] ?? []);

describe('findDependencyCycle', () => {
  it('finds the cycle a new edge would close, as a path', async () => {
    // a → b → c; adding c → a closes c → a → b → c.
    expect(await findDependencyCycle('c', 'a', graph({ a: ['b'], b: ['c'] }))).toEqual([
      'c',
      'a',
      'b',
      'c',
    ]);
  });

  it('rejects a self-dependency', async () => {
    expect(await findDependencyCycle('a', 'a', graph({}))).toEqual(['a', 'a']);
  });

  it('accepts a diamond', async () => {
    expect(await findDependencyCycle('d', 'b', graph({ b: ['a'], c: ['a'], d: ['c'] }))).toBeNull();
  });
});
