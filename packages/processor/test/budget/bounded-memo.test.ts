import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../src/budget/bounded-memo.js';

describe('boundedMemo', () => {
  it('computes each key once, an undefined result too, and starts again once full', () => {
    const computed: string[] = [];
    const upper = boundedMemo((key: string) => {
      computed.push(key);
      return key === 'none' ? undefined : key.toUpperCase();
    }, 3);
    expect([upper('a'), upper('a'), upper('none'), upper('none'), upper('b')]).toEqual([
      'A',
      'A',
      undefined,
      undefined,
      'B',
    ]);
    expect(computed).toEqual(['a', 'none', 'b']);
    // Full at three keys: the fourth empties it, so 'a' is computed again.
    expect([upper('c'), upper('a')]).toEqual(['C', 'A']);
    expect(computed).toEqual(['a', 'none', 'b', 'c', 'a']);
  });
});
