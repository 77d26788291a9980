// Create or edit a budget: the API validates, and its message appears beside the field it names.
import { useState } from 'react';
import { ApiError, ROUTES, type RouteInput } from '@genops/processor/api';
import { useChange } from '../../api/queries.js';
import { errorText } from '../../components/data-state.js';
import type { Budget } from './budget-columns.js';
import { Field } from './field.js';
import { PolicyFields, policyBody } from './policy-fields.js';

/** The PUT body from the form, as typed: the API, not the page, decides what is valid. */
function budgetBody(form: FormData): RouteInput<typeof ROUTES.putBudget>['body'] {
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

export function BudgetForm({ budget, onDone }: { budget: Budget | undefined; onDone: () => void }) {
  const put = useChange(ROUTES.putBudget);
  const remove = useChange(ROUTES.deleteBudget);
  const [period, setPeriod] = useState(budget?.period ?? 'monthly');
  const error = put.error ?? remove.error;
  const apiError = error instanceof ApiError ? error : undefined;
  const title = budget ? `Edit budget of ${budget.team}` : 'New budget';
  const thresholds = (budget?.thresholds ?? [0.8, 0.9, 0.95, 1])
    .map((t) => Math.round(t * 1000) / 10)
    .join(', ');
  const submit = (form: FormData) => {
    const team = String(form.get('team') ?? budget?.team ?? '').trim();
    put.mutate({ params: { team }, body: budgetBody(form) }, { onSuccess: onDone });
  };
  const confirmDelete = () =>
    budget &&
    window.confirm(`Delete the budget of ${budget.team}?`) &&
    remove.mutate({ params: { team: budget.team } }, { onSuccess: onDone });
  return (
    <form
      className="panel form"
      aria-label={title}
      onSubmit={(e) => (e.preventDefault(), submit(new FormData(e.currentTarget)))}
    >
      <h2>{title}</h2>
      {!budget && (
        <Field name="team" label="Team" error={apiError}>
          {(aria) => <input name="team" required {...aria} />}
        </Field>
      )}
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
