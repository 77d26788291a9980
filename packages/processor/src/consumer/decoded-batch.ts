// One batch of cost-topic messages decoded: the events to write, the dead letters (original bytes and why), and the
// offset to commit per partition once the write is durable.
import type { Message } from '@platformatic/kafka';
import {
  decodeCostSpans,
  type DecodedMessage,
  type DecodeOptions,
  type MessageEncoding,
} from '../decode/decode-cost-spans.js';
import type { CostEvent } from '../decode/cost-event.js';

/** Header names on dead-letter records. */
export const DLQ_HEADERS = {
  code: 'genops-dlq-code',
  reason: 'genops-dlq-reason',
  topic: 'genops-dlq-source-topic',
  partition: 'genops-dlq-source-partition',
  offset: 'genops-dlq-source-offset',
  spanId: 'genops-dlq-span-id',
} as const;

export type CostMessage = Message<Buffer, Buffer, Buffer, Buffer>;
export type DeadLetter = { value: Buffer; headers: Record<string, string> };
export interface NextOffset {
  topic: string;
  partition: number;
  /** The next offset to read: the last message's + 1. */
  offset: bigint;
  leaderEpoch: number;
}

export interface DecodedBatch {
  messages: number;
  /** Messages per encoding (an upgrade from OTLP JSON to protobuf shows both until the last JSON message is read). */
  encodings: Partial<Record<MessageEncoding, number>>;
  events: CostEvent[];
  deadLetters: DeadLetter[];
  commit: NextOffset[];
}

/** A message's bytes (none for a record without a value). */
export const messageBytes = (message: CostMessage): Buffer => message.value ?? Buffer.alloc(0);

export function decodeBatch(messages: readonly CostMessage[], options: DecodeOptions): DecodedBatch {
  return assembleBatch(
    messages,
    messages.map((m) => decodeCostSpans(messageBytes(m), options)),
  );
}

/** The batch from its messages and what each decoded to (in order): events, dead letters, offsets to commit. */
export function assembleBatch(
  messages: readonly CostMessage[],
  decodedMessages: readonly DecodedMessage[],
): DecodedBatch {
  const events: CostEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  const next = new Map<string, NextOffset>();
  const encodings: DecodedBatch['encodings'] = {};
  messages.forEach((message, i) => {
    const value = messageBytes(message);
    const decoded = decodedMessages[i]!;
    encodings[decoded.encoding] = (encodings[decoded.encoding] ?? 0) + 1;
    events.push(...decoded.events);
    for (const failure of decoded.failures)
      deadLetters.push({
        value,
        headers: {
          [DLQ_HEADERS.code]: failure.code,
          [DLQ_HEADERS.reason]: failure.reason.slice(0, 1000),
          [DLQ_HEADERS.topic]: message.topic,
          [DLQ_HEADERS.partition]: String(message.partition),
          [DLQ_HEADERS.offset]: String(message.offset),
          ...(failure.spanId ? { [DLQ_HEADERS.spanId]: failure.spanId } : {}),
        },
      });
    next.set(`${message.topic}[${message.partition}]`, {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset + 1n,
      leaderEpoch: message.leaderEpoch,
    });
  });
  return { messages: messages.length, encodings, events, deadLetters, commit: [...next.values()] };
}
