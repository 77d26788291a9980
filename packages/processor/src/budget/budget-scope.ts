// What a budget covers: any combination of team, project, customer, feature, environment and model, or the whole
// organisation; `*` for a dimension makes the budget a template ("each customer gets 5 USD a month") whose counters
// appear per value with the first spend. Pure; the console imports it.
//
// A scope's key is its identity in the ledger (and, URL-encoded, in the API's paths): the dimensions it names in a
// fixed order as `name=value` joined by `&` (`team=search&model=openai/gpt-4o`), with `%`, `&` and `=` in a value
// written %25, %26 and %3D; `org` for the whole organisation. A template's counter for one value puts that value in
// place of the `*` (`customer=acme` under `customer=*`); a budget made for that exact scope replaces the template's
// counter for it (the enterprise customer's 500 USD beside every other customer's 5).

import { boundedMemo } from './bounded-memo.js';

export const SCOPE_DIMENSIONS = ['team', 'project', 'customer', 'feature', 'environment', 'model'] as const;
export type ScopeDimension = (typeof SCOPE_DIMENSIONS)[number];

/** The dimensions a budget names (a value, or `*` for each value). None: the whole organisation. */
export type Scope = Partial<Record<ScopeDimension, string>>;

/** A call or event as scopes see it: '' where a dimension is not set. */
export type ScopedCall = Record<ScopeDimension, string>;

export const EACH = '*';
export const ORG_KEY = 'org';

const escapeValue = (v: string) => v.replace(/%/g, '%25').replace(/&/g, '%26').replace(/=/g, '%3D');
const unescapeValue = (v: string) => v.replace(/%3D/g, '=').replace(/%26/g, '&').replace(/%25/g, '%');

/** The scope's key: `org`, or `name=value` for each dimension it names, in SCOPE_DIMENSIONS order, joined by `&`. */
export function scopeKey(scope: Scope): string {
  const parts = SCOPE_DIMENSIONS.filter((d) => scope[d] !== undefined).map(
    (d) => `${d}=${escapeValue(scope[d]!)}`,
  );
  return parts.length ? parts.join('&') : ORG_KEY;
}

/** Keys parsed lately (admission parses each covering budget's key per call), kept frozen. */
const parsedKey = boundedMemo((key: string) => {
  const scope = parseKey(key);
  return scope && Object.freeze(scope);
}, 10_000);

/** The scope a key names (the inverse of scopeKey); undefined when it is not one. */
export function parseScopeKey(key: string): Scope | undefined {
  const scope = parsedKey(key);
  return scope && { ...scope };
}

function parseKey(key: string): Scope | undefined {
  if (key === ORG_KEY) return {};
  const scope: Scope = {};
  for (const part of key.split('&')) {
    const at = part.indexOf('=');
    const name = part.slice(0, at) as ScopeDimension;
    const value = unescapeValue(part.slice(at + 1));
    if (at < 1 || !SCOPE_DIMENSIONS.includes(name) || !value || name in scope) return undefined;
    scope[name] = value;
  }
  return scopeKey(scope) === key ? scope : undefined;
}

/** The key of a team's budget (the per-team routes' budget). */
export const teamKey = (team: string): string => scopeKey({ team });

/** The dimensions of a scope spelled `*`: a template's. */
export function templateDimensions(scope: Scope): ScopeDimension[] {
  return SCOPE_DIMENSIONS.filter((d) => scope[d] === EACH);
}

export const isTemplate = (scope: Scope): boolean => templateDimensions(scope).length > 0;

/** Whether a key is a template's (`customer=*`), not a budget's or a template counter's. */
export const isTemplateKey = (key: string): boolean => isTemplate(parseScopeKey(key) ?? {});

/**
 * The key of the counter `scope` keeps for `call`: the scope's own key when every dimension it names has the call's
 * value, a template's with the call's values for its `*`s (a call without one is not covered), else undefined.
 */
export function coveringKey(scope: Scope, call: ScopedCall): string | undefined {
  const instance: Scope = {};
  for (const d of SCOPE_DIMENSIONS) {
    const want = scope[d];
    if (want === undefined) continue;
    const have = call[d];
    if (want === EACH ? !have : want !== have) return undefined;
    instance[d] = have;
  }
  return scopeKey(instance);
}

/** A scope in a few words: `organisation`, `team search · model openai/gpt-4o`, `team search · each customer`. */
export function scopeLabel(scope: Scope): string {
  const parts = SCOPE_DIMENSIONS.filter((d) => scope[d] !== undefined).map((d) =>
    scope[d] === EACH ? `each ${d}` : `${d} ${scope[d]}`,
  );
  return parts.length ? parts.join(' · ') : 'organisation';
}

/** A key's scope in words (`team search`, `customer acme`, `organisation`). */
export const keyLabel = (key: string): string => scopeLabel(parseScopeKey(key) ?? {});

/** The scope named by a budget's fields (its dimensions; none for the organisation). */
export function scopeOf(fields: Scope): Scope {
  const scope: Scope = {};
  for (const d of SCOPE_DIMENSIONS) if (fields[d] !== undefined) scope[d] = fields[d];
  return scope;
}

/** A stored budget as admission and ingest see it: its key and scope, and whether it is a template. */
export interface ScopeDefinition {
  key: string;
  scope: Scope;
}

/** A counter row covering a call: its key, and the template it belongs to ('' for a budget of its own). */
export interface CoveringBudget {
  key: string;
  templateKey: string;
}

/** Budgets grouped by the dimensions they name: a call looks up each group's budgets by its own values. */
interface CoverIndex {
  groups: { fixed: ScopeDimension[]; each: ScopeDimension[]; byValues: Map<string, ScopeDefinition[]> }[];
  own: Set<string>;
}

const SEPARATOR = '\u0000';
const indexes = new WeakMap<readonly ScopeDefinition[], CoverIndex>();

function coverIndex(definitions: readonly ScopeDefinition[]): CoverIndex {
  let index = indexes.get(definitions);
  if (index) return index;
  const groups = new Map<string, CoverIndex['groups'][number]>();
  for (const d of definitions) {
    const fixed = SCOPE_DIMENSIONS.filter((dim) => d.scope[dim] !== undefined && d.scope[dim] !== EACH);
    const each = templateDimensions(d.scope);
    const shape = `${fixed.join(',')}|${each.join(',')}`;
    let group = groups.get(shape);
    if (!group) groups.set(shape, (group = { fixed, each, byValues: new Map() }));
    const values = fixed.map((dim) => d.scope[dim]!).join(SEPARATOR);
    group.byValues.set(values, [...(group.byValues.get(values) ?? []), d]);
  }
  const own = new Set(definitions.filter((d) => !isTemplate(d.scope)).map((d) => d.key));
  index = { groups: [...groups.values()], own };
  indexes.set(definitions, index);
  return index;
}

/**
 * The counters covering `call`, in key order (the order rows are locked in): every budget whose scope covers it, and
 * for each template the counter of the call's value — unless a budget of that exact scope exists, which replaces it.
 * One map lookup per group of budgets naming the same dimensions, however many budgets there are.
 */
export function coveringBudgets(definitions: readonly ScopeDefinition[], call: ScopedCall): CoveringBudget[] {
  const { groups, own } = coverIndex(definitions);
  const out = new Map<string, CoveringBudget>();
  for (const group of groups) {
    if (group.each.some((dim) => !call[dim])) continue;
    const matched = group.byValues.get(group.fixed.map((dim) => call[dim]).join(SEPARATOR));
    for (const d of matched ?? []) {
      const template = group.each.length > 0;
      const key = template ? coveringKey(d.scope, call)! : d.key;
      if (out.has(key) || (template && own.has(key))) continue;
      out.set(key, { key, templateKey: template ? d.key : '' });
    }
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** An event's or call's dimensions as scopes see them ('' where not set). */
export function scopedCall(c: Partial<Record<ScopeDimension, string | undefined>>): ScopedCall {
  return {
    team: c.team ?? '',
    project: c.project ?? '',
    customer: c.customer ?? '',
    feature: c.feature ?? '',
    environment: c.environment ?? '',
    model: c.model ?? '',
  };
}
