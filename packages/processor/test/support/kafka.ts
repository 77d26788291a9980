// Kafka helpers for the processor's stack tests: topics per test, producing OTLP JSON, reading dead letters.
import { Admin } from '@platformatic/kafka';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { ConsumerWatermark } from '../../src/consumer/consumer-watermark.js';

export function kafka(brokers: string): Kafka {
  return new Kafka({ clientId: 'genops-processor-test', brokers: [brokers], logLevel: logLevel.NOTHING });
}

export async function createTopic(brokers: string, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

export async function produce(brokers: string, topic: string, values: (string | Buffer)[]): Promise<void> {
  const producer = kafka(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < values.length; i += 100) {
      await producer.send({
        topic,
        acks: -1,
        messages: values.slice(i, i + 100).map((value) => ({ value })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface Consumed {
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Reads `topic` from the start until `count` records arrived. */
export async function readRecords(
  brokers: string,
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<Consumed[]> {
  const consumer = kafka(brokers).consumer({
    groupId: `reader-${Date.now()}-${Math.random()}`,
    maxBytes: 32 * 1024 * 1024,
  });
  const out: Consumed[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${out.length}/${count} records on ${topic}`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers as IHeaders)) headers[k] = String(v);
            out.push({ value: message.value, headers });
            if (out.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** True when the group's committed offset has reached the end of every partition of `topic`. */
export async function consumedToEnd(brokers: string, topic: string, groupId: string): Promise<boolean> {
  const admin = new Admin({ clientId: 'genops-processor-test', bootstrapBrokers: [brokers] });
  try {
    return await new ConsumerWatermark(admin, topic, groupId).isCaughtUp();
  } finally {
    await admin.close();
  }
}
