// Reads the shipped dashboard, monitor and query definitions (dashboards/) into what the tests check: every
// PromQL expression of every Grafana panel, every Datadog metric query, every Honeycomb query spec.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@genops/devstack';

export const dashboardsDir = join(repoRoot(), 'dashboards');
const readJson = (...path: string[]) =>
  JSON.parse(readFileSync(join(dashboardsDir, ...path), 'utf8')) as unknown;

// ---------------------------------------------------------------------------------------------------- Grafana

export interface GrafanaTarget {
  refId: string;
  expr: string;
  datasource?: { uid?: string };
}
export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid?: string };
  targets?: GrafanaTarget[];
}
export interface GrafanaVariable {
  name: string;
  type: string;
  query?: string | { query: string };
  definition?: string;
}
export interface GrafanaDashboard {
  uid: string;
  title: string;
  panels: GrafanaPanel[];
  templating: { list: GrafanaVariable[] };
}

export function grafanaDashboards(): { file: string; dashboard: GrafanaDashboard }[] {
  return readdirSync(join(dashboardsDir, 'grafana'))
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({ file, dashboard: readJson('grafana', file) as GrafanaDashboard }));
}

export interface PanelQuery {
  where: string;
  expr: string;
}

export function grafanaPanelQueries(): PanelQuery[] {
  return grafanaDashboards().flatMap(({ dashboard }) =>
    dashboard.panels
      .filter((p) => p.type !== 'row')
      .flatMap((p) =>
        (p.targets ?? []).map((t) => ({
          where: `${dashboard.title} › ${p.title} › ${t.refId}`,
          expr: t.expr,
        })),
      ),
  );
}

/** Grafana's built-in variables, as the contract test substitutes them. */
export const GRAFANA_BUILTINS: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
};

/** Replaces `$var` / `${var}` with the given values (regex alternatives for multi-value variables). */
export function substituteVariables(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    const value = values[name] ?? GRAFANA_BUILTINS[name];
    if (value === undefined) throw new Error(`no value for $${name} in ${expr}`);
    return value;
  });
}

// ---------------------------------------------------------------------------------------------------- Datadog

export const datadogDashboard = () => readJson('datadog', 'genops-dashboard.json') as Record<string, unknown>;
export const datadogMonitors = () => readJson('datadog', 'monitors.json') as Record<string, unknown>[];

/** Every metric query string in the Datadog dashboard (widget requests) and monitors. */
export function datadogQueryStrings(): PanelQuery[] {
  const out: PanelQuery[] = [];
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) node.forEach((n) => walk(n, where));
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const title = typeof o.title === 'string' ? `${where} › ${o.title}` : where;
      if (typeof o.q === 'string') out.push({ where: title, expr: o.q });
      if (o.data_source === 'metrics' && typeof o.query === 'string')
        out.push({ where: title, expr: o.query });
      for (const [k, v] of Object.entries(o)) if (k !== 'q' && k !== 'query') walk(v, title);
    }
  };
  walk(datadogDashboard(), 'dashboard');
  for (const m of datadogMonitors())
    out.push({ where: `monitor › ${String(m.name)}`, expr: String(m.query) });
  return out;
}

export interface DatadogMetricQuery {
  metric: string;
  /** `key:value` filters, with template variables resolved to their tag prefix as `key:*`. */
  filters: string[];
  groupBy: string[];
}

/** The metric queries inside one Datadog query string (a monitor or a formula can hold several). */
export function parseDatadogQuery(
  query: string,
  templatePrefixes: Record<string, string>,
): DatadogMetricQuery[] {
  const re = /\b(?:avg|sum|min|max|count|p\d{2,3}):([a-zA-Z0-9_.]+)\{([^}]*)\}(?:\s*by\s*\{([^}]*)\})?/g;
  return [...query.matchAll(re)].map((m) => ({
    metric: m[1]!,
    filters: m[2]!
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f && f !== '*')
      .map((f) => {
        if (!f.startsWith('$')) return f;
        const prefix = templatePrefixes[f.slice(1)];
        if (!prefix) throw new Error(`template variable ${f} is not declared (in ${query})`);
        return `${prefix}:*`;
      }),
    groupBy: (m[3] ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean),
  }));
}

export function datadogTemplatePrefixes(): Record<string, string> {
  const vars = (datadogDashboard().template_variables ?? []) as { name: string; prefix: string }[];
  return Object.fromEntries(vars.map((v) => [v.name, v.prefix]));
}

// --------------------------------------------------------------------------------------------------- Honeycomb

export interface HoneycombQuerySpec {
  calculations?: { op: string; column?: string }[];
  filters?: { column: string; op: string; value?: unknown }[];
  breakdowns?: string[];
  orders?: { op?: string; column?: string; order?: string }[];
  havings?: { calculate_op: string; column?: string; op: string; value: unknown }[];
  [key: string]: unknown;
}
export interface HoneycombNamedQuery {
  name: string;
  description: string;
  query: HoneycombQuerySpec;
}
export interface HoneycombTrigger {
  name: string;
  query: HoneycombQuerySpec;
  [key: string]: unknown;
}

export const honeycombQueries = () => readJson('honeycomb', 'queries.json') as HoneycombNamedQuery[];
export const honeycombTriggers = () => readJson('honeycomb', 'triggers.json') as HoneycombTrigger[];
export const honeycombBoard = () => readJson('honeycomb', 'board.json') as Record<string, unknown>;

/** Every query spec shipped for Honeycomb: the board's queries and the triggers'. */
export function honeycombSpecs(): { where: string; spec: HoneycombQuerySpec }[] {
  return [
    ...honeycombQueries().map((q) => ({ where: `query › ${q.name}`, spec: q.query })),
    ...honeycombTriggers().map((t) => ({ where: `trigger › ${t.name}`, spec: t.query })),
  ];
}

/** The columns a spec reads. */
export function honeycombColumns(spec: HoneycombQuerySpec): string[] {
  return [
    ...(spec.calculations ?? []).flatMap((c) => (c.column ? [c.column] : [])),
    ...(spec.filters ?? []).map((f) => f.column),
    ...(spec.breakdowns ?? []),
    ...(spec.orders ?? []).flatMap((o) => (o.column ? [o.column] : [])),
    ...(spec.havings ?? []).flatMap((h) => (h.column ? [h.column] : [])),
  ];
}
