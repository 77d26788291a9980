// Kafka helpers for the processor's stack tests, on the processor's own client (@platformatic/kafka): topics per
// test, producing OTLP messages, reading dead letters, asking whether a group has consumed a topic to its end.
import { Admin, Consumer, Producer, stringDeserializer } from '@platformatic/kafka';
import { ConsumerWatermark } from '../../src/consumer/consumer-watermark.js';

const client = (brokers: string) => ({ clientId: 'genops-processor-test', bootstrapBrokers: [brokers] });

export async function createTopic(brokers: string, topic: string, numPartitions: number): Promise<void> {
  const admin = new Admin(client(brokers));
  try {
    await admin.createTopics({ topics: [{ topic, partitions: numPartitions, replicas: 1 }] });
  } finally {
    await admin.close();
  }
}

/** A producer writing to every replica (acks = all); values as they are, to a partition when given. */
export function producer(brokers: string): Producer {
  return new Producer({ ...client(brokers), acks: -1, autocreateTopics: false });
}

export async function produce(brokers: string, topic: string, values: (string | Buffer)[]): Promise<void> {
  const p = producer(brokers);
  try {
    for (let i = 0; i < values.length; i += 100)
      await p.send({
        messages: values.slice(i, i + 100).map((value) => ({ topic, value: Buffer.from(value) })),
      });
  } finally {
    await p.close();
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
  const consumer = new Consumer({
    ...client(brokers),
    groupId: `reader-${Date.now()}-${Math.random()}`,
    maxBytes: 32 * 1024 * 1024,
  });
  const out: Consumed[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${out.length}/${count} records on ${topic}`)),
        timeoutMs,
      );
      stream.on('error', reject);
      stream.on('data', (message) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of message.headers) headers[stringDeserializer(k)!] = stringDeserializer(v)!;
        out.push({ value: message.value ?? null, headers });
        if (out.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return out;
}

/** True when the group's committed offset has reached the end of every partition of `topic`. */
export async function consumedToEnd(brokers: string, topic: string, groupId: string): Promise<boolean> {
  const admin = new Admin(client(brokers));
  try {
    return await new ConsumerWatermark(admin, topic, groupId).isCaughtUp();
  } finally {
    await admin.close();
  }
}

/** How many partitions of `topic` each member of `groupId` holds, and the group's state. */
export async function groupAssignments(
  brokers: string,
  groupId: string,
  topic: string,
): Promise<{ state: string; members: string[]; partitions: number[] }> {
  const admin = new Admin(client(brokers));
  try {
    const group = (await admin.describeGroups({ groups: [groupId] })).get(groupId);
    return {
      state: String(group?.state ?? 'Unknown'),
      members: [...(group?.members.keys() ?? [])].sort(),
      partitions: [...(group?.members.values() ?? [])].map(
        (m) => m.assignments?.get(topic)?.partitions.length ?? 0,
      ),
    };
  } finally {
    await admin.close();
  }
}
