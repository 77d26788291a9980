// The span shape is declared once (zod); `isSpan`, the hot path's check, must agree with it on every input — near
// misses included — or a span would be decoded that the schema rejects, or dead-lettered that it accepts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSpan, Span } from '../../src/decode/otlp-span.js';

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${n}}$`));
const wrong = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.boolean(),
  fc.array(fc.nat(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
const unixNano = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), fc.nat());
const anyValue = fc.record(
  {
    stringValue: fc.string(),
    intValue: fc.oneof(fc.integer(), fc.bigInt().map(String)),
    doubleValue: fc.oneof(fc.double(), fc.constant('NaN')),
    boolValue: fc.boolean(),
    arrayValue: fc.anything({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
const keyValue = fc.record({ key: fc.string(), value: anyValue }, { requiredKeys: ['key'] });
/** A span the schema accepts. */
const validSpan = fc.record(
  {
    traceId: hex(32),
    spanId: hex(16),
    name: fc.string(),
    startTimeUnixNano: unixNano,
    endTimeUnixNano: unixNano,
    attributes: fc.array(keyValue, { maxLength: 3 }),
    status: fc.record({ code: fc.oneof(fc.nat(2), fc.constant('STATUS_CODE_ERROR')) }, { requiredKeys: [] }),
    droppedAttributesCount: fc.nat(),
  },
  { requiredKeys: ['traceId', 'spanId', 'startTimeUnixNano', 'endTimeUnixNano'] },
);
/** Each way one field can be wrong: a near miss (a short id, a negative time, a bad attribute) or any other type. */
const NEAR_MISSES: Record<string, fc.Arbitrary<unknown>> = {
  traceId: fc.oneof(hex(31), hex(33), hex(16), fc.constant('z'.repeat(32)), wrong),
  spanId: fc.oneof(hex(15), hex(17), hex(32), wrong),
  name: wrong,
  startTimeUnixNano: fc.oneof(
    fc.integer({ max: -1 }),
    fc.double(),
    fc.constant('12a'),
    fc.constant(2 ** 53 + 2),
    wrong,
  ),
  endTimeUnixNano: fc.oneof(fc.integer({ max: -1 }), fc.constant('-1'), fc.constant(''), wrong),
  attributes: fc.oneof(
    wrong,
    fc.array(
      fc.oneof(
        wrong,
        fc.record({ key: wrong, value: anyValue }),
        fc.record({ key: fc.string(), value: wrong }),
      ),
      {
        minLength: 1,
        maxLength: 2,
      },
    ),
    fc.constant([{ key: 'k', value: { stringValue: 7 } }]),
    fc.constant([{ key: 'k', value: { intValue: true } }]),
    fc.constant([{ key: 'k', value: { doubleValue: null } }]),
    fc.constant([{ key: 'k', value: { boolValue: 'yes' } }]),
  ),
  status: fc.oneof(wrong, fc.record({ code: fc.oneof(fc.boolean(), fc.constant(null), fc.array(fc.nat())) })),
};
const field = fc.constantFrom(...Object.keys(NEAR_MISSES));
/** A valid span, or one with one field wrong or missing, or anything at all. */
const candidate = fc.oneof(
  { weight: 2, arbitrary: validSpan },
  {
    weight: 6,
    arbitrary: fc
      .tuple(validSpan, field)
      .chain(([s, f]) => NEAR_MISSES[f]!.map((v) => ({ ...s, [f]: v }) as unknown)),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(validSpan, field).map(([s, f]) => {
      const { [f]: _dropped, ...rest } = s as Record<string, unknown>;
      return rest as unknown;
    }),
  },
  { weight: 1, arbitrary: fc.anything() },
);

describe('isSpan', () => {
  it('accepts exactly what the Span schema accepts', () => {
    fc.assert(
      fc.property(candidate, (raw) => {
        expect(isSpan(raw)).toBe(Span.safeParse(raw).success);
      }),
      { numRuns: 5_000 },
    );
  });

  it('accepts a span as the collector writes it, and rejects a short trace id', () => {
    const written = {
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      name: 'chat deepseek/deepseek-chat',
      startTimeUnixNano: '1772359800000000000',
      endTimeUnixNano: '1772359800250000000',
      attributes: [{ key: 'genops.team', value: { stringValue: 'search' } }],
      status: {},
    };
    expect([isSpan(written), Span.safeParse(written).success]).toEqual([true, true]);
    const short = { ...written, traceId: written.traceId.slice(1) };
    expect([isSpan(short), Span.safeParse(short).success]).toEqual([false, false]);
  });
});
