import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('sorts in creation order, also within one millisecond and when the clock steps back', () => {
    const ids = [
      newId('w', 1000),
      newId('w', 1000),
      newId('w', 1000),
      newId('w', 999),
      newId('w', 1001),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has a fixed shape', () => {
    expect(newId('tok', 0)).toMatch(/^tok_[0-9a-f]{32}$/);
  });
});
