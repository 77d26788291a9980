// What the broker answers when a topic is created twice or slowly, as the client library reports it. The broker here
// is a small model of Kafka's CreateTopics (the real one, six processors at once: kafka-topics.stack.test.ts).
import { MultipleErrors, NetworkError, ResponseError } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import {
  ensureTopics,
  errorText,
  onlyAlreadyExists,
  type TopicAdmin,
} from '../../src/consumer/kafka-topics.js';

const CREATE_TOPICS = 19;
const REQUEST_TIMED_OUT = 7;
const TOPIC_ALREADY_EXISTS = 36;
const INVALID_PARTITIONS = 37;

function creationFailed(errors: Record<string, [number, string | null]>): MultipleErrors {
  return new MultipleErrors('Creating topics failed.', [new ResponseError(CREATE_TOPICS, 7, errors, {})]);
}

/** A broker answering its creations with `answers` in turn (then success); a timed-out one lands `landsAfter` lists later. */
function broker(
  answers: (MultipleErrors | 'timeout')[],
  landsAfter = 1,
): TopicAdmin & { created: string[][] } {
  const topics = new Set<string>();
  const pending: { topics: string[]; lists: number }[] = [];
  const created: string[][] = [];
  return {
    created,
    listTopics: (async () => {
      for (const p of pending) if (++p.lists >= landsAfter) p.topics.forEach((t) => topics.add(t));
      return [...topics];
    }) as TopicAdmin['listTopics'],
    createTopics: (async ({ topics: asked }: { topics: string[] }) => {
      const answer = answers.shift();
      created.push(asked);
      if (answer === 'timeout') {
        pending.push({ topics: asked, lists: 0 });
        throw creationFailed({
          '/topics/0': [REQUEST_TIMED_OUT, 'Timed out waiting for a node assignment.'],
        });
      }
      if (answer) throw answer;
      asked.forEach((t) => topics.add(t));
      return [];
    }) as unknown as TopicAdmin['createTopics'],
  };
}

describe('ensureTopics', () => {
  it('creates only the missing topics', async () => {
    const admin = broker([]);
    await admin.createTopics({ topics: ['costs'] });
    await ensureTopics(admin, ['costs', 'costs.dlq']);
    expect(admin.created).toEqual([['costs'], ['costs.dlq']]);
  });

  it('takes TOPIC_ALREADY_EXISTS (another processor won the race) as done', async () => {
    const admin = broker([
      creationFailed({ '/topics/0': [TOPIC_ALREADY_EXISTS, "Topic 'costs' already exists."] }),
    ]);
    await expect(ensureTopics(admin, ['costs'])).resolves.toBeUndefined();
    expect(admin.created).toEqual([['costs']]);
  });

  it('after a timed-out creation, lists again and stops once the topic appears (no second creation)', async () => {
    const admin = broker(['timeout'], 1);
    await ensureTopics(admin, ['costs'], { pauseMs: 1 });
    expect(admin.created).toEqual([['costs']]);
  });

  it('after a timed-out creation that never lands, asks again', async () => {
    const admin = broker(['timeout'], 1_000);
    await ensureTopics(admin, ['costs'], { pauseMs: 1 });
    expect(admin.created).toEqual([['costs'], ['costs']]);
  });

  it('past the deadline, fails naming the topics and what the broker said', async () => {
    const refused = creationFailed({
      '/topics/0': [INVALID_PARTITIONS, 'Number of partitions must be larger than 0.'],
    });
    const admin = broker([refused, refused, refused, refused, refused, refused]);
    await expect(ensureTopics(admin, ['costs', 'costs.dlq'], { deadlineMs: 0, pauseMs: 1 })).rejects.toThrow(
      'cannot create the Kafka topics costs, costs.dlq: INVALID_PARTITIONS: Number of partitions must be larger than 0.',
    );
  });
});

describe('onlyAlreadyExists', () => {
  it('is true when every topic in the request exists already', () => {
    const error = creationFailed({
      '/topics/0': [TOPIC_ALREADY_EXISTS, "Topic 'a' already exists."],
      '/topics/1': [TOPIC_ALREADY_EXISTS, "Topic 'a.dlq' already exists."],
    });
    expect(onlyAlreadyExists(error)).toBe(true);
  });

  it('is false when any topic failed for another reason', () => {
    const error = creationFailed({
      '/topics/0': [TOPIC_ALREADY_EXISTS, null],
      '/topics/1': [INVALID_PARTITIONS, 'Number of partitions must be larger than 0.'],
    });
    expect(onlyAlreadyExists(error)).toBe(false);
    expect(errorText(error)).toBe(
      'TOPIC_ALREADY_EXISTS; INVALID_PARTITIONS: Number of partitions must be larger than 0.',
    );
  });

  it('is false for a network failure or a plain error', () => {
    const network = new MultipleErrors('Creating topics failed.', [new NetworkError('Connection closed')]);
    expect(onlyAlreadyExists(network)).toBe(false);
    expect(errorText(network)).toBe('Connection closed');
    expect(onlyAlreadyExists(new Error('boom'))).toBe(false);
  });
});
