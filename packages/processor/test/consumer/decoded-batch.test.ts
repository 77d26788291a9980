import { describe, expect, it } from 'vitest';
import { decodeBatch, DLQ_HEADERS, type CostMessage } from '../../src/consumer/decoded-batch.js';
import { AS_SENT } from '../support/ledger-contract.js';
import { otlpMessage, otlpSpan } from '../support/otlp.js';
import { otlpProto, sdkCostSpans } from '../support/sdk-spans.js';

const message = (partition: number, offset: bigint, value: string | Buffer): CostMessage =>
  ({
    topic: 'costs',
    partition,
    offset,
    leaderEpoch: 3,
    value: Buffer.from(value),
  }) as unknown as CostMessage;

describe('decodeBatch', () => {
  const batch = [
    message(
      0,
      10n,
      otlpMessage([otlpSpan({ team: 'a', costUsd: 0.5 }), otlpSpan({ team: 'b', costUsd: 0.25 })]),
    ),
    message(1, 7n, 'not OTLP'),
    message(0, 11n, otlpMessage([otlpSpan({ team: 'a', costUsd: 1 })])),
    message(1, 8n, otlpProto(sdkCostSpans([{ team: 'c', costUsd: 0.125, endMs: Date.parse('2026-12-01') }]))),
  ];
  const decoded = decodeBatch(batch, { catalog: AS_SENT });

  it("decodes every message's events, in order", () => {
    expect(decoded.messages).toBe(4);
    expect(decoded.events.map((e) => [e.team, e.costNano])).toEqual([
      ['a', 500_000_000n],
      ['b', 250_000_000n],
      ['a', 1_000_000_000n],
      ['c', 125_000_000n],
    ]);
  });

  it('counts the messages of each encoding (OTLP JSON and protobuf told apart per message)', () => {
    expect(decoded.encodings).toEqual({ otlp_json: 2, invalid: 1, otlp_proto: 1 });
  });

  it('dead-letters what it cannot decode with its original bytes, code and source', () => {
    expect(decoded.deadLetters).toHaveLength(1);
    const [dead] = decoded.deadLetters;
    expect(dead!.value.toString()).toBe('not OTLP');
    expect(dead!.headers[DLQ_HEADERS.topic]).toBe('costs');
    expect(dead!.headers[DLQ_HEADERS.partition]).toBe('1');
    expect(dead!.headers[DLQ_HEADERS.offset]).toBe('7');
    expect(dead!.headers[DLQ_HEADERS.code]).toBe('NOT_JSON');
  });

  it("commits each partition's next offset under the epoch it was read in", () => {
    expect(decoded.commit).toEqual([
      { topic: 'costs', partition: 0, offset: 12n, leaderEpoch: 3 },
      { topic: 'costs', partition: 1, offset: 9n, leaderEpoch: 3 },
    ]);
  });
});
