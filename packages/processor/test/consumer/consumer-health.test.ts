import { describe, expect, it } from 'vitest';
import { ConsumerHealth } from '../../src/consumer/consumer-health.js';

describe('ConsumerHealth', () => {
  describe('when the consumer has not joined its group yet', () => {
    it('is not ready', () => {
      expect(new ConsumerHealth(10).readiness()).toBe('starting');
    });
  });

  describe('when it consumes within the lag limit', () => {
    it('is ready', () => {
      const health = new ConsumerHealth(10);
      health.set('consuming', 'member m-1 of g');
      health.lag('t', 0, 10);
      expect(health.readiness()).toBe('ok');
    });
  });

  describe('when a partition lags past the limit', () => {
    it('names the partition, the lag and the setting', () => {
      const health = new ConsumerHealth(10);
      health.set('consuming');
      health.lag('t', 0, 3);
      health.lag('t', 1, 11);
      expect(health.readiness()).toBe('lagging: 11 messages behind on t[1] (limit 10, GENOPS_READY_MAX_LAG)');
      health.lag('t', 1, 0);
      expect(health.readiness()).toBe('ok');
    });
  });

  describe('when the group rebalances, the consumer crashes or stops', () => {
    it('says so, and forgets the lags of partitions it may no longer hold', () => {
      const health = new ConsumerHealth(10);
      health.set('consuming');
      health.lag('t', 1, 50);
      health.set('rebalancing', 'the group is rebalancing');
      expect(health.readiness()).toBe('rebalancing: the group is rebalancing');
      health.set('consuming');
      expect(health.readiness()).toBe('ok');
      health.set('restarting', 'after: The coordinator is not available (attempt 1)');
      expect(health.readiness()).toBe('restarting: after: The coordinator is not available (attempt 1)');
      health.set('stopped');
      expect(health.readiness()).toBe('stopped');
    });
  });
});
