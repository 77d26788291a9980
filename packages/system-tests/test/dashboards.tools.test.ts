// dashboards/: each definition is in the shape its tool's API accepts — Grafana dashboards with the provisioned
// datasource and declared variables and valid PromQL, Datadog dashboard and monitors through the official API
// client's models, Honeycomb queries/board/triggers against the Query Specification — and the Honeycomb loader
// creates them in order. What they read is proven against the live pipeline in dashboards-contract.stack.test.ts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v1 } from '@datadog/datadog-api-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  dashboardsDir,
  datadogDashboard,
  datadogMonitors,
  datadogQueryStrings,
  datadogTemplatePrefixes,
  grafanaDashboards,
  grafanaPanelQueries,
  honeycombBoard,
  honeycombQueries,
  honeycombTriggers,
  parseDatadogQuery,
  substituteVariables,
} from './support/dashboard-definitions.js';

describe('dashboards/grafana', () => {
  const boards = grafanaDashboards();
  const provisioned = parse(
    readFileSync(join(dashboardsDir, 'grafana/provisioning/datasources/genops.yml'), 'utf8'),
  ) as { datasources: { uid: string; type: string; url: string; isDefault?: boolean }[] };

  it('ships the three dashboards with unique uids', () => {
    expect(boards.map((b) => [b.file, b.dashboard.uid]).sort()).toEqual([
      ['genops-cost-budgets.json', 'genops-cost'],
      ['genops-overview.json', 'genops-overview'],
      ['genops-provider-performance.json', 'genops-providers'],
    ]);
  });

  it('provisions a default Prometheus datasource and the dashboards folder', () => {
    expect(provisioned.datasources.find((d) => d.isDefault)).toMatchObject({
      type: 'prometheus',
      uid: 'genops-prometheus',
      url: 'http://prometheus:9090',
    });
    const providers = parse(
      readFileSync(join(dashboardsDir, 'grafana/provisioning/dashboards/genops.yml'), 'utf8'),
    ) as { providers: { type: string; options: { path: string } }[] };
    expect(providers.providers[0]).toMatchObject({
      type: 'file',
      options: { path: '/var/lib/grafana/dashboards/genops' },
    });
  });

  describe.each(boards)('$file', ({ dashboard }) => {
    const panels = dashboard.panels.filter((p) => p.type !== 'row');

    it('gives every panel a Prometheus query through the datasource variable and a place on the grid', () => {
      expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
      for (const p of panels) {
        expect(p.datasource?.uid, p.title).toBe('${datasource}');
        expect(p.targets?.length, p.title).toBeGreaterThan(0);
        expect(new Set(p.targets!.map((t) => t.refId)).size, p.title).toBe(p.targets!.length);
        expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      }
    });

    it('filters $team, $model and $environment on the labels that carry them', () => {
      const allowed: Record<string, string[]> = {
        team: ['genops_team', 'team'],
        model: ['genops_model', 'gen_ai_request_model', 'model'], // model: the processor's reconciliation metrics
        environment: ['genops_environment'],
      };
      for (const p of panels)
        for (const t of p.targets!)
          for (const m of t.expr.matchAll(/(\w+)=~"\$(\w+)"/g))
            expect(allowed[m[2]!], `${p.title}: ${m[0]}`).toContain(m[1]);
    });
  });

  it('writes every panel query in valid PromQL (promtool parses each one)', () => {
    const vars = { datasource: 'x', team: 'a|b', model: 'm', environment: 'e' };
    const rules = {
      groups: [
        {
          name: 'panels',
          rules: grafanaPanelQueries().map((q, i) => ({
            record: `panel_${i}`,
            expr: substituteVariables(q.expr, vars),
          })),
        },
      ],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'genops-panels-')), 'panels.rules.json');
    writeFileSync(file, JSON.stringify(rules));
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${rules.groups[0]!.rules.length} rules found`);
  });
});

describe('dashboards/datadog', () => {
  /** Paths the Datadog client could not map onto its models (unknown enum values, unmatched oneOfs). */
  function unparsed(node: unknown, path = '$'): string[] {
    if (!node || typeof node !== 'object') return [];
    if (node.constructor?.name === 'UnparsedObject') return [path];
    return Object.entries(node).flatMap(([k, v]) =>
      // Models that tolerate unknown keys collect them here: for us, a typo the API would ignore or refuse.
      k === 'additionalProperties' && v && typeof v === 'object'
        ? Object.keys(v).map((extra) => `${path}.${extra} (unknown field)`)
        : unparsed(v, `${path}.${k}`),
    );
  }
  const validate = (body: unknown, model: string) => unparsed(v1.ObjectSerializer.deserialize(body, model));

  it('has a dashboard the official API client deserialises completely', () => {
    expect(validate(datadogDashboard(), 'Dashboard')).toEqual([]);
  });

  it('has monitors the official API client deserialises completely', () => {
    const monitors = datadogMonitors();
    expect(monitors.map((m) => m.name)).toHaveLength(4);
    for (const m of monitors) expect(validate(m, 'Monitor'), String(m.name)).toEqual([]);
  });

  it('would notice a widget the API does not accept', () => {
    const broken = structuredClone(datadogDashboard()) as { widgets: { definition: { type: string } }[] };
    broken.widgets[0]!.definition.type = 'grouping';
    expect(validate(broken, 'Dashboard')).toEqual(['$.widgets.0.definition']);
    expect(validate({ ...datadogMonitors()[0], querry: 'x' }, 'Monitor')).toEqual([
      '$.querry (unknown field)',
    ]);
  });

  it('queries only with declared template variables and the exporter’s metric names', () => {
    const metrics = datadogQueryStrings().flatMap((q) =>
      parseDatadogQuery(q.expr, datadogTemplatePrefixes()),
    );
    expect([...new Set(metrics.map((m) => m.metric))].sort()).toEqual([
      'gen_ai.client.operation.duration',
      'gen_ai.client.token.usage',
      'genops.cost',
      'genops.request.duration',
      'genops.requests',
      'genops.tokens',
    ]);
  });
});

describe('dashboards/honeycomb', () => {
  // The Query Specification (docs.honeycomb.io/reference/query-specification), as zod.
  const CALC_OPS = [
    'COUNT',
    'CONCURRENCY',
    'SUM',
    'AVG',
    'COUNT_DISTINCT',
    'MAX',
    'MIN',
    'P001',
    'P01',
    'P05',
    'P10',
    'P25',
    'P50',
    'P75',
    'P90',
    'P95',
    'P99',
    'P999',
    'HEATMAP',
    'RATE_AVG',
    'RATE_SUM',
    'RATE_MAX',
  ] as const;
  const FILTER_OPS = [
    '=',
    '!=',
    '>',
    '>=',
    '<',
    '<=',
    'starts-with',
    'does-not-start-with',
    'ends-with',
    'does-not-end-with',
    'exists',
    'does-not-exist',
    'contains',
    'does-not-contain',
    'in',
    'not-in',
  ] as const;
  const Calculation = z
    .object({ op: z.enum(CALC_OPS), column: z.string().min(1).optional() })
    .strict()
    .refine((c) => (c.op === 'COUNT' || c.op === 'CONCURRENCY') === (c.column === undefined), {
      message: 'COUNT and CONCURRENCY take no column; every other op needs one',
    });
  const Filter = z
    .object({ column: z.string().min(1), op: z.enum(FILTER_OPS), value: z.unknown().optional() })
    .strict()
    .refine((f) => (f.op === 'exists' || f.op === 'does-not-exist') === (f.value === undefined), {
      message: 'exists / does-not-exist take no value; every other op needs one',
    });
  const QuerySpec = z
    .object({
      calculations: z.array(Calculation).optional(),
      filters: z.array(Filter).optional(),
      filter_combination: z.enum(['AND', 'OR']).optional(),
      breakdowns: z.array(z.string().min(1)).optional(),
      orders: z
        .array(
          z
            .object({
              op: z.enum(CALC_OPS).optional(),
              column: z.string().optional(),
              order: z.enum(['ascending', 'descending']).optional(),
            })
            .strict(),
        )
        .optional(),
      havings: z
        .array(
          z
            .object({
              calculate_op: z.enum(CALC_OPS),
              column: z.string().optional(),
              op: z.enum(['=', '!=', '>', '>=', '<', '<=']),
              value: z.number(),
            })
            .strict(),
        )
        .optional(),
      limit: z.number().int().min(1).max(1000).optional(),
      time_range: z.number().int().positive().optional(),
      granularity: z.number().int().positive().optional(),
    })
    .strict()
    .superRefine((q, ctx) => {
      const calcs = new Set((q.calculations ?? []).map((c) => `${c.op}(${c.column ?? ''})`));
      for (const o of q.orders ?? []) {
        const ok = o.op ? calcs.has(`${o.op}(${o.column ?? ''})`) : q.breakdowns?.includes(o.column ?? '');
        if (!ok)
          ctx.addIssue({
            code: 'custom',
            message: `order ${JSON.stringify(o)} is neither a calculation nor a breakdown`,
          });
      }
      for (const h of q.havings ?? [])
        if (!calcs.has(`${h.calculate_op}(${h.column ?? ''})`))
          ctx.addIssue({ code: 'custom', message: `having ${JSON.stringify(h)} is not a calculation` });
    });
  const Trigger = z
    .object({
      name: z.string().min(1).max(120),
      description: z.string().max(1023).optional(),
      disabled: z.boolean().optional(),
      query: QuerySpec.refine(
        (q) => q.calculations?.length === 1,
        'a trigger query has exactly one calculation',
      )
        .refine((q) => !q.orders && !q.limit, 'a trigger query has no orders or limit')
        .refine(
          (q) =>
            !['HEATMAP', 'CONCURRENCY', 'RATE_AVG', 'RATE_SUM', 'RATE_MAX'].includes(q.calculations![0]!.op),
          'no trigger on heatmap, concurrency or rate calculations',
        ),
      threshold: z.object({ op: z.enum(['>', '>=', '<', '<=']), value: z.number() }).strict(),
      frequency: z.number().int().min(60).max(86_400),
      alert_type: z.enum(['on_change', 'on_true']),
      recipients: z.array(z.object({ type: z.string(), target: z.string() })),
    })
    .strict()
    .refine((t) => (t.query.time_range ?? 7200) <= 86_400, 'a trigger looks back at most one day');
  const Board = z
    .object({
      name: z.string().min(1),
      description: z.string().optional(),
      type: z.literal('flexible'),
      panels: z.array(
        z
          .object({
            type: z.literal('query'),
            query_panel: z
              .object({
                query_id: z.string(),
                query_annotation_id: z.string(),
                query_style: z.enum(['graph', 'table', 'combo']),
              })
              .strict(),
          })
          .strict(),
      ),
    })
    .strict();
  const issues = (r: { success: boolean; error?: z.ZodError }) =>
    r.error ? r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) : [];

  it('has the seed’s queries as valid query specs', () => {
    const queries = honeycombQueries();
    for (const q of queries) expect(issues(QuerySpec.safeParse(q.query)), q.name).toEqual([]);
    expect(queries.map((q) => q.name)).toEqual(
      expect.arrayContaining([
        'Requests by team',
        'High-cost requests',
        'Routing effectiveness',
        'Error rate by model',
        'Performance by provider',
        'Cost optimisation opportunities',
      ]),
    );
  });

  it('has triggers the Triggers API accepts', () => {
    const triggers = honeycombTriggers();
    expect(triggers).toHaveLength(3);
    for (const t of triggers) expect(issues(Trigger.safeParse(t)), t.name).toEqual([]);
  });

  it('would notice a spec the API does not accept', () => {
    expect(issues(QuerySpec.safeParse({ calculations: [{ op: 'P95' }] }))).toEqual([
      'calculations.0: COUNT and CONCURRENCY take no column; every other op needs one',
    ]);
    expect(
      issues(QuerySpec.safeParse({ orders: [{ op: 'SUM', column: 'x', order: 'descending' }] })),
    ).toEqual([
      ': order {"op":"SUM","column":"x","order":"descending"} is neither a calculation nor a breakdown',
    ]);
  });

  it('has a board whose every panel is a query of queries.json', () => {
    const board = honeycombBoard();
    const names = honeycombQueries().map((q) => q.name);
    const text = JSON.stringify(board);
    const refs = [...text.matchAll(/\{\{(query|annotation):([^}]+)\}\}/g)].map((m) => m[2]);
    expect([...new Set(refs)].sort()).toEqual([...names].sort());
    const resolved = JSON.parse(text.replace(/\{\{[^}]+\}\}/g, 'id123')) as unknown;
    expect(issues(Board.safeParse(resolved))).toEqual([]);
  });

  it('loads queries, annotations, the board and triggers through the API in order (load.mjs)', async () => {
    const calls: { path: string; key: string | undefined; body: Record<string, unknown> }[] = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        calls.push({ path: req.url ?? '', key: req.headers['x-honeycomb-team'] as string, body });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...body, id: `id${calls.length}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const child = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [join(dashboardsDir, 'honeycomb', 'load.mjs')], {
        env: {
          ...process.env,
          HONEYCOMB_API_KEY: 'hc-key',
          HONEYCOMB_DATASET: 'my service',
          HONEYCOMB_API_URL: url,
        },
      });
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('exit', (code) => resolve({ code, stderr }));
    });
    server.close();
    expect(child.code, child.stderr).toBe(0);
    const n = honeycombQueries().length;
    expect(calls.map((c) => c.path)).toEqual([
      ...Array.from({ length: n }, () => [
        '/1/queries/my%20service',
        '/1/query_annotations/my%20service',
      ]).flat(),
      '/1/boards',
      '/1/triggers/my%20service',
      '/1/triggers/my%20service',
      '/1/triggers/my%20service',
    ]);
    expect(new Set(calls.map((c) => c.key))).toEqual(new Set(['hc-key']));
    expect(calls[1]!.body).toEqual({
      name: 'Requests by team',
      description: honeycombQueries()[0]!.description,
      query_id: 'id1',
    });
    const board = calls[2 * n]!.body as {
      panels: { query_panel: { query_id: string; query_annotation_id: string } }[];
    };
    expect(board.panels[0]!.query_panel).toMatchObject({ query_id: 'id1', query_annotation_id: 'id2' });
    expect(board.panels[n - 1]!.query_panel).toMatchObject({
      query_id: `id${2 * n - 1}`,
      query_annotation_id: `id${2 * n}`,
    });
  });
});
