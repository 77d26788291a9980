// Match rules: which model names a model answers to, in genai-prices' vocabulary (its `match` clauses).

/** genai-prices' match clause: which model names a model answers to (case-insensitive). */
export type MatchRule =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: MatchRule[] }
  | { and: MatchRule[] };

/** Whether `name` satisfies `rule`, as genai-prices evaluates it. */
export function matchesRule(rule: MatchRule, name: string): boolean {
  const n = name.toLowerCase();
  if ('or' in rule) return rule.or.some((r) => matchesRule(r, name));
  if ('and' in rule) return rule.and.every((r) => matchesRule(r, name));
  if ('equals' in rule) return n === rule.equals.toLowerCase();
  if ('starts_with' in rule) return n.startsWith(rule.starts_with.toLowerCase());
  if ('ends_with' in rule) return n.endsWith(rule.ends_with.toLowerCase());
  if ('contains' in rule) return n.includes(rule.contains.toLowerCase());
  if ('regex' in rule) return new RegExp(rule.regex).test(name);
  return false;
}
