// Processors starting at the same moment on a fresh deployment: each finds the topics missing and asks the real
// broker to create them; all must start.
import { Admin } from '@platformatic/kafka';
import { describe, expect, inject, it } from 'vitest';
import { ensureTopics } from '../../src/consumer/kafka-topics.js';

const { endpoints } = inject('stack');

describe('ensureTopics', () => {
  describe('when six processors create the same missing topics at once', () => {
    it('succeeds for every one of them, and the topics exist once', async () => {
      const run = `race-${Date.now().toString(36)}`;
      const topics = [run, `${run}.dlq`];
      const admins = Array.from(
        { length: 6 },
        (_, i) => new Admin({ clientId: `race-${i}`, bootstrapBrokers: [endpoints.kafkaBrokers] }),
      );
      try {
        const outcomes = await Promise.allSettled(admins.map((admin) => ensureTopics(admin, topics)));
        expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill('fulfilled'));
        const listed = await admins[0]!.listTopics();
        expect(listed.filter((t) => topics.includes(t)).sort()).toEqual(topics.sort());
      } finally {
        await Promise.all(admins.map((admin) => admin.close()));
      }
    });
  });
});
