// A labelled form input with the API's message for it, when the last answer named its field (or a field inside it).
import type { ReactNode } from 'react';
import type { ApiError } from '@genops/processor/api';

/** A labelled input with the API's message for it, when the last answer named it. */
export function Field({
  name,
  label,
  error,
  children,
}: {
  name: string;
  label: string;
  error: ApiError | undefined;
  children: (aria: object) => ReactNode;
}) {
  const invalid = error?.field === name || error?.field?.startsWith(`${name}.`) === true;
  return (
    <label>
      {label} {children(invalid ? { 'aria-describedby': `${name}-error`, 'aria-invalid': true } : {})}
      {invalid && (
        <span className="field-error" id={`${name}-error`} role="alert">
          {error!.message}
        </span>
      )}
    </label>
  );
}
