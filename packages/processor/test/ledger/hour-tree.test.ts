// The hour tree's arithmetic: the nodes an event adds to and the nodes a prefix reads meet exactly once when the
// event's step is in the prefix, and never otherwise — so a prefix sums each of its events once.
import { describe, expect, it } from 'vitest';
import { nodesAbove, prefixNodes, STEPS } from '../../src/ledger/hour-tree.js';

describe('the hour tree', () => {
  it('counts every step of a prefix once and no step after it, for every prefix and step of an hour', () => {
    for (let n = 0; n <= STEPS; n++) {
      const read = new Set(prefixNodes(n));
      for (let step = 0; step < STEPS; step++) {
        const met = nodesAbove(step).filter((node) => read.has(node)).length;
        if (met !== (step < n ? 1 : 0)) expect({ n, step, met }).toEqual({ n, step, met: step < n ? 1 : 0 });
      }
    }
  });

  it('writes at most 8 nodes an event and reads at most 8 a prefix', () => {
    const most = (f: (i: number) => number[], to: number) =>
      Math.max(...Array.from({ length: to }, (_, i) => f(i).length));
    expect(STEPS).toBe(240);
    expect(most(nodesAbove, STEPS)).toBe(8);
    expect(most(prefixNodes, STEPS + 1)).toBe(7);
    expect(nodesAbove(0)).toEqual([1, 2, 4, 8, 16, 32, 64, 128]);
    expect(nodesAbove(239)).toEqual([240]);
    expect(prefixNodes(239)).toEqual([239, 238, 236, 232, 224, 192, 128]);
  });
});
