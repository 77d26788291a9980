// A budget's policy in the budget form: the models its team may use and may not (globs, comma-separated), the most
// one call may be estimated at, the most output tokens it may ask for. Empty fields set nothing.
import type { ApiError, BudgetPolicy } from '@genops/processor/api';
import { Field } from './field.js';

const globs = (value: FormDataEntryValue | null) =>
  String(value ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);

/** The `policy` part of the PUT body, as typed: the API decides what is valid. */
export function policyBody(form: FormData): { policy?: BudgetPolicy } {
  const number = (name: string) => (form.get(name) ? Number(form.get(name)) : undefined);
  const allowed = globs(form.get('allowedModels'));
  const denied = globs(form.get('deniedModels'));
  const maxCallCostUsd = number('maxCallCostUsd');
  const maxOutputTokens = number('maxOutputTokens');
  const policy = {
    ...(allowed.length ? { allowedModels: allowed } : {}),
    ...(denied.length ? { deniedModels: denied } : {}),
    ...(maxCallCostUsd !== undefined ? { maxCallCostUsd } : {}),
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
  };
  return Object.keys(policy).length ? { policy } : {};
}

export function PolicyFields({
  policy,
  error,
}: {
  policy: BudgetPolicy | undefined;
  error: ApiError | undefined;
}) {
  return (
    <fieldset>
      <legend>Policy (applies to every call, soft or hard)</legend>
      <Field name="policy.allowedModels" label="Allowed models (globs, e.g. openai/*)" error={error}>
        {(aria) => (
          <input name="allowedModels" defaultValue={policy?.allowedModels?.join(', ') ?? ''} {...aria} />
        )}
      </Field>
      <Field name="policy.deniedModels" label="Denied models (globs)" error={error}>
        {(aria) => (
          <input name="deniedModels" defaultValue={policy?.deniedModels?.join(', ') ?? ''} {...aria} />
        )}
      </Field>
      <Field name="policy.maxCallCostUsd" label="Max cost of a call (USD)" error={error}>
        {(aria) => (
          <input
            name="maxCallCostUsd"
            inputMode="decimal"
            defaultValue={policy?.maxCallCostUsd ?? ''}
            {...aria}
          />
        )}
      </Field>
      <Field name="policy.maxOutputTokens" label="Max output tokens of a call" error={error}>
        {(aria) => (
          <input
            name="maxOutputTokens"
            inputMode="numeric"
            defaultValue={policy?.maxOutputTokens ?? ''}
            {...aria}
          />
        )}
      </Field>
    </fieldset>
  );
}
