import { diag, DiagLogLevel } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { trackLLMCall, withGenOps } from '../src/index.js';
import { createTestTelemetry } from './support/telemetry.js';

const telemetry = createTestTelemetry();
const options = { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider, env: {} };

beforeEach(() => telemetry.reset());

describe('trackLLMCall', () => {
  describe('when the API reports no cost', () => {
    it('estimates it from the price catalog', async () => {
      const result = await withGenOps({ team: 'custom' }, () =>
        trackLLMCall(
          { provider: 'custom', model: 'deepseek/deepseek-chat' },
          async (call) => {
            call.setUsage({ inputTokens: 30, outputTokens: 40 });
            return 'answer';
          },
          options,
        ),
      );
      expect(result).toBe('answer');
      const attrs = telemetry.spans()[0]!.attributes;
      expect(attrs['genops.cost.total']).toBe(0.0000521);
      expect(attrs['genops.cost.estimated']).toBe(0.0000521);
      expect(attrs['genops.cost.source']).toBe('estimated');
      expect(attrs['genops.team']).toBe('custom');
    });
  });

  describe('when the model is unknown', () => {
    it('records cost source unknown, warns once, and never throws', async () => {
      const warnings: string[] = [];
      diag.setLogger(
        {
          warn: (...args: unknown[]) => warnings.push(args.join(' ')),
          error: () => {},
          info: () => {},
          debug: () => {},
          verbose: () => {},
        },
        DiagLogLevel.WARN,
      );
      try {
        for (let i = 0; i < 3; i++) {
          await trackLLMCall(
            { provider: 'custom', model: 'nobody/mystery-1' },
            (call) => {
              call.setUsage({ inputTokens: 5, outputTokens: 5 });
            },
            options,
          );
        }
      } finally {
        diag.disable();
      }
      const attrs = telemetry.spans()[0]!.attributes;
      expect([
        attrs['genops.cost.total'],
        attrs['genops.cost.source'],
        attrs['genops.cost.estimated'],
      ]).toEqual([0, 'unknown', undefined]);
      expect(warnings.filter((w) => w.includes('nobody/mystery-1'))).toHaveLength(1);
    });
  });

  describe('when the callback throws', () => {
    it('rethrows the very same error object and marks the span', async () => {
      const original = Object.assign(new Error('boom'), { status: 503 });
      const caught = await trackLLMCall(
        { provider: 'custom', model: 'm' },
        async () => {
          throw original;
        },
        options,
      ).catch((e: unknown) => e);
      expect(caught).toBe(original);
      expect(telemetry.spans()[0]!.attributes['error.type']).toBe('503');
    });
  });

  describe('when given a reservation id', () => {
    it('puts it on the span', async () => {
      await trackLLMCall({ provider: 'custom', model: 'm' }, (call) => call.setReservation('res-1'), options);
      expect(telemetry.spans()[0]!.attributes['genops.budget.reservation_id']).toBe('res-1');
    });
  });

  describe('when usage is malformed', () => {
    it('counts it as zero instead of failing', async () => {
      await trackLLMCall(
        { provider: 'custom', model: 'deepseek/deepseek-chat' },
        (call) => {
          call.setUsage({ inputTokens: Number.NaN, outputTokens: -4 });
        },
        options,
      );
      expect(telemetry.spans()[0]!.attributes['genops.tokens.total']).toBe(0);
    });
  });
});
