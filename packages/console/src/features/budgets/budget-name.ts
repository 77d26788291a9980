// A budget's name on the page: a team's budget by its team, any other by its scope in words.
import { parseScopeKey, scopeLabel } from '@genops/processor/api';

export function budgetName(key: string): string {
  const scope = parseScopeKey(key) ?? {};
  const named = Object.keys(scope);
  if (named.length === 1 && scope.team !== undefined && scope.team !== '*') return scope.team;
  return named.length ? scopeLabel(scope) : 'the organisation';
}
