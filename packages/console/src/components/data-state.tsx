// Loading, error and empty states, said the same way on every page.
import type { ReactNode } from 'react';
import { ApiError } from '@genops/processor/api';

interface Props {
  query: { isPending: boolean; error: unknown; data?: unknown };
  /** True when the data has nothing to show. */
  empty?: boolean;
  emptyText?: string;
  label: string;
  children: ReactNode;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (HTTP ${error.status} ${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

export function DataState({ query, empty, emptyText, label, children }: Props) {
  if (query.isPending)
    return (
      <p className="state" role="status" aria-live="polite">
        Loading {label}…
      </p>
    );
  if (query.error && query.data === undefined)
    return (
      <p className="state error" role="alert">
        Could not load {label}: {errorText(query.error)}
      </p>
    );
  if (empty) return <p className="state">{emptyText ?? `No ${label} in this range.`}</p>;
  return <>{children}</>;
}
