import { describe, expect, it } from 'vitest';
import { decodeCostSpans } from '../../src/decode/decode-cost-spans.js';
import type { DecodeErrorCode } from '../../src/decode/decode-errors.js';
import { otlpMessage, otlpSpan } from '../support/otlp.js';

const TRACE = 'a'.repeat(32);

describe('decodeCostSpans', () => {
  describe('when the message is a valid cost span', () => {
    it('yields one event with exact nano-USD and the span end as event time', () => {
      const span = otlpSpan({
        traceId: TRACE,
        spanId: 'b'.repeat(16),
        costUsd: 0.000057,
        endMs: 1_767_225_600_000,
        durationMs: 250,
        customer: 'c-42',
      });
      const { events, failures } = decodeCostSpans(otlpMessage([span]));
      expect(failures).toEqual([]);
      expect(events).toEqual([
        {
          traceId: TRACE,
          spanId: 'b'.repeat(16),
          eventTimeMs: 1_767_225_600_000,
          team: 'search',
          project: '',
          customer: 'c-42',
          feature: '',
          environment: '',
          costCenter: '',
          experiment: '',
          variant: '',
          model: 'deepseek/deepseek-chat',
          servedModel: 'deepseek/deepseek-chat',
          provider: 'openrouter',
          servedProvider: 'DeepInfra',
          costNano: 57_000n,
          costSource: 'reported',
          upstreamNano: 0n,
          inputTokens: 30,
          outputTokens: 10,
          isError: false,
          durationMs: 250,
          reservationId: '',
          generationId: '',
        },
      ]);
    });

    it('takes the experiment and variant from the resource when the span does not say (as for other conventions)', () => {
      const message = JSON.parse(otlpMessage([otlpSpan({ costUsd: 0.1 })])) as {
        resourceSpans: { resource: { attributes: unknown[] } }[];
      };
      message.resourceSpans[0]!.resource.attributes.push(
        { key: 'genops.experiment.id', value: { stringValue: 'prompt-v2' } },
        { key: 'genops.variant.id', value: { stringValue: 'b' } },
      );
      const [event] = decodeCostSpans(JSON.stringify(message)).events;
      expect([event!.experiment, event!.variant]).toEqual(['prompt-v2', 'b']);
    });

    it('reads a whole-dollar cost written as intValue', () => {
      const { events } = decodeCostSpans(otlpMessage([otlpSpan({ costUsd: 3 })]));
      expect(events[0]!.costNano).toBe(3_000_000_000n);
    });
  });

  describe('when the input is malformed', () => {
    const cases: [string, string, string][] = [
      ['truncated JSON', otlpMessage([otlpSpan({})]).slice(0, 50), 'not JSON'],
      ['JSON that is not OTLP', JSON.stringify({ hello: 'world' }), 'not OTLP JSON traces: resourceSpans'],
      [
        'wrong types',
        JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 7 }] }] }] }),
        'invalid span: traceId',
      ],
      [
        'a negative cost',
        otlpMessage([otlpSpan({ costUsd: -0.5 })]),
        'genops.cost.total out of range [0, 100000]: -0.5',
      ],
      ['a 1e300 cost', otlpMessage([otlpSpan({ costUsd: 1.5e300 })]), 'genops.cost.total out of range'],
      [
        'a NaN cost',
        otlpMessage([otlpSpan({ costUsd: 0.1 })]).replace('"doubleValue":0.1', '"doubleValue":"NaN"'),
        'genops.cost.total must be a finite number',
      ],
      [
        'an upstream cost above the total',
        otlpMessage([otlpSpan({ costUsd: 0.1, upstreamUsd: 0.2 })]),
        'genops.cost.upstream is more than genops.cost.total',
      ],
      [
        'a negative upstream cost',
        otlpMessage([otlpSpan({ costUsd: 0.1, upstreamUsd: -1 })]),
        'genops.cost.upstream must be a number in [0, 100000]',
      ],
    ];
    /** The kind of failure, for the dead letter's `genops-dlq-code` header. */
    const codeOf = (what: string): DecodeErrorCode =>
      what === 'truncated JSON'
        ? 'NOT_JSON'
        : what === 'JSON that is not OTLP'
          ? 'NOT_OTLP_TRACES'
          : what === 'wrong types'
            ? 'INVALID_SPAN'
            : 'INVALID_ATTRIBUTE';
    for (const [what, message, reason] of cases) {
      it(`rejects ${what} with a code and a reason`, () => {
        const { events, failures } = decodeCostSpans(message);
        expect(events).toEqual([]);
        expect(failures).toHaveLength(1);
        expect(failures[0]!.code).toBe(codeOf(what));
        expect(failures[0]!.reason).toContain(reason);
      });
    }

    it('says a span without a model or a cost is missing an attribute', () => {
      const noModel = decodeCostSpans(otlpMessage([otlpSpan({ model: '' })])).failures;
      expect(noModel.map((f) => [f.code, f.reason])).toEqual([
        ['MISSING_ATTRIBUTE', 'genops.model is missing'],
      ]);
    });

    it('keeps the valid spans of a message that also holds a bad one', () => {
      const { events, failures } = decodeCostSpans(
        otlpMessage([
          otlpSpan({ costUsd: 0.25 }),
          otlpSpan({ costUsd: 0.1, upstreamUsd: 0.2 }),
          otlpSpan({ costUsd: 0.5 }),
        ]),
      );
      expect(events.map((e) => e.costNano)).toEqual([250_000_000n, 500_000_000n]);
      expect(failures.map((f) => f.reason)).toEqual(['genops.cost.upstream is more than genops.cost.total']);
    });

    it('counts a span without a team under unattributed, never drops it', () => {
      const { events, failures } = decodeCostSpans(otlpMessage([otlpSpan({ team: '', costUsd: 0.25 })]));
      expect(failures).toEqual([]);
      expect(events.map((e) => [e.team, e.costNano])).toEqual([['unattributed', 250_000_000n]]);
    });
  });
});
