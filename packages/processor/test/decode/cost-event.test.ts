import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  COST_EVENT_COLUMNS,
  DIMENSION_NAMES,
  type CostEvent,
  type UsageDetail,
} from '../../src/decode/cost-event.js';
import { DIMENSION_COLUMN, EVENT_PG_TYPES, ROLLUP_KEYS } from '../../src/ledger/event-columns.js';

describe('the cost event declared once as columns', () => {
  it('derives the event type: one field per column, optional where the column says so', () => {
    expectTypeOf<CostEvent>().toEqualTypeOf<
      {
        traceId: string;
        spanId: string;
        eventTimeMs: number;
        team: string;
        project: string;
        customer: string;
        feature: string;
        environment: string;
        costCenter: string;
        experiment: string;
        variant: string;
        model: string;
        servedModel: string;
        provider: string;
        servedProvider: string;
        costNano: bigint;
        upstreamNano: bigint;
        costSource: string;
        inputTokens: number;
        outputTokens: number;
        isError: boolean;
        durationMs: number;
        reservationId: string;
      } & {
        modelName?: string;
        generationId?: string;
        adjustment?: boolean;
        fallback?: boolean;
        clientCostNano?: bigint;
        detail?: UsageDetail;
        repricedTokens?: number;
      } & { reconcile?: boolean }
    >();
  });

  it('derives the ledger’s names from the same table', () => {
    expect(COST_EVENT_COLUMNS.map((c) => c.name)).toHaveLength(36);
    expect(ROLLUP_KEYS).toEqual([
      'team',
      'project',
      'feature',
      'environment',
      'cost_center',
      'experiment',
      'variant',
      'model',
      'served_provider',
    ]);
    // Every dimension but time is a column; customer is one, but no rollup key (its values are unbounded).
    expect(DIMENSION_NAMES.filter((d) => !(d in DIMENSION_COLUMN))).toEqual(['day', 'week', 'month']);
    expect(DIMENSION_COLUMN.customer).toBe('customer');
    expect(EVENT_PG_TYPES.duration_ms).toBe('double precision');
    expect(EVENT_PG_TYPES.cost_nano).toBe('bigint');
    expect(EVENT_PG_TYPES.team).toBeUndefined();
  });
});
