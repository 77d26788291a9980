// GENOPS_BUDGETS_FILE: budgets as YAML, validated at start-up; a bad file stops start-up naming line and field.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigError } from '../errors.js';
import { scopeLabel, teamKey } from './budget-scope.js';
import { BudgetSpecSchema, specKey, specScope, type BudgetSpec } from './budget-spec.js';

function lineOf(lines: LineCounter, node: Node | null | undefined): number {
  return node?.range ? lines.linePos(node.range[0]).line : 1;
}

/** The node at `path` in `node`, or the deepest one on the way that exists (a missing field: its parent). */
function deepest(node: Node, path: readonly PropertyKey[]): Node {
  if (!isMap(node)) return node;
  for (let k = path.length; k > 0; k--) {
    const found = node.getIn(path.slice(0, k) as unknown[], true) as Node | undefined;
    if (found?.range) return found;
  }
  return node;
}

/** Parses `budgets: [ {team | project | customer | feature | environment | model | org, period, limitUsd, …}, … ]`. */
export function parseBudgetsFile(text: string, path = 'budgets file'): BudgetSpec[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new ConfigError(`${path}:${e.linePos?.[0]?.line ?? 1}: ${e.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  const list = isMap(root) ? root.get('budgets', true) : undefined;
  if (!isSeq(list))
    throw new ConfigError(`${path}:${lineOf(lines, root as Node)}: expected a top-level "budgets:" list`);
  const seen = new Set<string>();
  return list.items.map((item, i) => {
    const node = item as Node;
    const parsed = BudgetSpecSchema.safeParse((node as { toJSON(): unknown }).toJSON());
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(
        `${path}:${lineOf(lines, deepest(node, issue.path))}: budgets[${i}].${issue.path.join('.') || '(entry)'}: ${issue.message}`,
      );
    }
    const key = specKey(parsed.data);
    if (seen.has(key))
      throw new ConfigError(
        parsed.data.team !== undefined && key === teamKey(parsed.data.team)
          ? `${path}:${lineOf(lines, node)}: budgets[${i}].team: "${parsed.data.team}" appears twice`
          : `${path}:${lineOf(lines, node)}: budgets[${i}]: the budget of ${scopeLabel(specScope(parsed.data))} appears twice`,
      );
    seen.add(key);
    return parsed.data;
  });
}

export function readBudgetsFile(path: string): BudgetSpec[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`GENOPS_BUDGETS_FILE=${path}: ${(error as Error).message}`);
  }
  return parseBudgetsFile(text, path);
}
