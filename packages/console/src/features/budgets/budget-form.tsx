// Create or edit a budget of any scope: the API validates, and its message appears beside the field it names.
import { useState } from 'react';
import {
  ApiError,
  ROUTES,
  scopeKey,
  SCOPE_DIMENSIONS,
  type RouteInput,
  type Scope,
} from '@genops/processor/api';
import { useChange } from '../../api/queries.js';
import { errorText } from '../../components/data-state.js';
import type { Budget } from './budget-columns.js';
import { budgetName } from './budget-name.js';
import { Field } from './field.js';
import { PolicyFields, policyBody } from './policy-fields.js';

const DIMENSION_LABELS: Record<(typeof SCOPE_DIMENSIONS)[number], string> = {
  team: 'Team',
  project: 'Project',
  customer: 'Customer',
  feature: 'Feature',
  environment: 'Environment',
  model: 'Model',
};

/** The scope the form names: the dimensions filled in (`*` for each value), and whether it is the organisation. */
function scopeOfForm(form: FormData): { scope: Scope; org: boolean } {
  const scope: Scope = {};
  for (const d of SCOPE_DIMENSIONS) {
    const value = String(form.get(d) ?? '').trim();
    if (value) scope[d] = value;
  }
  return { scope, org: form.get('org') === 'on' };
}

/** The PUT body from the form, as typed: the API, not the page, decides what is valid. */
function budgetBody(form: FormData): RouteInput<typeof ROUTES.putScopedBudget>['body'] {
  const limit = String(form.get('limitUsd'));
  return {
    period: String(form.get('period')) as Budget['period'],
    limitUsd: limit === '' ? Number.NaN : Number(limit),
    enforcement: String(form.get('enforcement')) as Budget['enforcement'],
    timezone: String(form.get('timezone') || 'UTC'),
    thresholds: String(form.get('thresholds'))
      .split(',')
      .map((t) => Number(t.trim()) / 100),
    ...(form.get('window') ? { window: String(form.get('window')) } : {}),
    ...policyBody(form),
  };
}

/** The PUT the form asks for; undefined for a new budget naming nothing (not the organisation by accident). */
function budgetChange(form: FormData, budget: Budget | undefined) {
  if (budget) return { params: { key: budget.key }, body: budgetBody(form) };
  const { scope, org } = scopeOfForm(form);
  if (!org && !Object.keys(scope).length) return undefined;
  const body = { ...budgetBody(form), ...scope, ...(org ? { org: true as const } : {}) };
  return { params: { key: scopeKey(scope) }, body };
}

export function BudgetForm({ budget, onDone }: { budget: Budget | undefined; onDone: () => void }) {
  const put = useChange(ROUTES.putScopedBudget);
  const remove = useChange(ROUTES.deleteScopedBudget);
  const [period, setPeriod] = useState(budget?.period ?? 'monthly');
  const [unnamed, setUnnamed] = useState(false);
  const error = put.error ?? remove.error;
  const apiError = error instanceof ApiError ? error : undefined;
  const title = budget ? `Edit budget of ${budgetName(budget.key)}` : 'New budget';
  const thresholds = (budget?.thresholds ?? [0.8, 0.9, 0.95, 1])
    .map((t) => Math.round(t * 1000) / 10)
    .join(', ');
  const submit = (form: FormData) => {
    const change = budgetChange(form, budget);
    setUnnamed(!change);
    if (change) put.mutate(change, { onSuccess: onDone });
  };
  const confirmDelete = () =>
    budget &&
    window.confirm(`Delete the budget of ${budgetName(budget.key)}?`) &&
    remove.mutate({ params: { key: budget.key } }, { onSuccess: onDone });
  return (
    <form
      className="panel form"
      aria-label={title}
      onSubmit={(e) => (e.preventDefault(), submit(new FormData(e.currentTarget)))}
    >
      <h2>{title}</h2>
      {!budget && <ScopeFields error={apiError} unnamed={unnamed} />}
      <Field name="period" label="Period" error={apiError}>
        {(aria) => (
          <select
            name="period"
            value={period}
            onChange={(e) => setPeriod(e.target.value as Budget['period'])}
            {...aria}
          >
            <option>daily</option>
            <option>weekly</option>
            <option>monthly</option>
            <option>rolling</option>
          </select>
        )}
      </Field>
      {period === 'rolling' && (
        <Field name="window" label="Window (90m, 24h, 7d)" error={apiError}>
          {(aria) => <input name="window" defaultValue={budget?.window ?? '24h'} {...aria} />}
        </Field>
      )}
      <Field name="limitUsd" label="Limit (USD)" error={apiError}>
        {(aria) => (
          <input name="limitUsd" inputMode="decimal" defaultValue={budget?.limitUsd ?? ''} {...aria} />
        )}
      </Field>
      <Field name="enforcement" label="Enforcement" error={apiError}>
        {(aria) => (
          <select name="enforcement" defaultValue={budget?.enforcement ?? 'soft'} {...aria}>
            <option value="soft">soft (warn)</option>
            <option value="hard">hard (block)</option>
          </select>
        )}
      </Field>
      <Field name="timezone" label="Time zone" error={apiError}>
        {(aria) => <input name="timezone" defaultValue={budget?.timezone ?? 'UTC'} {...aria} />}
      </Field>
      <Field name="thresholds" label="Alert thresholds (% of the limit)" error={apiError}>
        {(aria) => <input name="thresholds" defaultValue={thresholds} {...aria} />}
      </Field>
      <PolicyFields policy={budget?.policy} error={apiError} />
      {error && !apiError?.field && (
        <p className="field-error" role="alert">
          {errorText(error)}
        </p>
      )}
      <FormActions saving={put.isPending} onCancel={onDone} onDelete={budget ? confirmDelete : undefined} />
    </form>
  );
}

function FormActions({
  saving,
  onCancel,
  onDelete,
}: {
  saving: boolean;
  onCancel: () => void;
  onDelete: (() => void) | undefined;
}) {
  return (
    <div className="actions">
      <button type="submit" disabled={saving}>
        {saving ? 'Saving…' : 'Save budget'}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {onDelete && (
        <button type="button" className="danger" onClick={onDelete}>
          Delete budget
        </button>
      )}
    </div>
  );
}

/** What a new budget covers: any combination of the dimensions (* for each value), or the whole organisation. */
function ScopeFields({ error, unnamed }: { error: ApiError | undefined; unnamed: boolean }) {
  return (
    <fieldset>
      <legend>Covers (any combination; * for each one, e.g. each customer)</legend>
      {SCOPE_DIMENSIONS.map((d) => (
        <Field key={d} name={d} label={DIMENSION_LABELS[d]} error={error}>
          {(aria) => <input name={d} {...aria} />}
        </Field>
      ))}
      <label>
        <input type="checkbox" name="org" /> The whole organisation
      </label>
      {unnamed && (
        <p className="field-error" role="alert">
          Name what the budget covers, or choose the whole organisation.
        </p>
      )}
    </fieldset>
  );
}
