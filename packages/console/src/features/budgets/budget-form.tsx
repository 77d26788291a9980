// Create or edit a budget: the API validates, and its message appears beside the field it names.
import { useState } from 'react';
import { ApiError, ROUTES, type RouteOutput } from '@genops/processor/api';
import { useChange } from '../../api/queries.js';
import { errorText } from '../../components/data-state.js';

type Budget = RouteOutput<typeof ROUTES.listBudgets>['budgets'][number];

export function BudgetForm({ budget, onDone }: { budget: Budget | undefined; onDone: () => void }) {
  const put = useChange(ROUTES.putBudget);
  const remove = useChange(ROUTES.deleteBudget);
  const [period, setPeriod] = useState(budget?.period ?? 'monthly');
  const error = put.error ?? remove.error;
  const field = error instanceof ApiError ? error.field : undefined;
  const fieldError = (name: string) =>
    field === name ? (
      <span className="field-error" id={`${name}-error`} role="alert">
        {(error as ApiError).message}
      </span>
    ) : null;
  const described = (name: string) =>
    field === name ? { 'aria-describedby': `${name}-error`, 'aria-invalid': true } : {};
  const submit = (form: FormData) => {
    const team = String(form.get('team') ?? budget?.team ?? '').trim();
    const limit = String(form.get('limitUsd'));
    const body = {
      period: String(form.get('period')) as Budget['period'],
      limitUsd: limit === '' ? Number.NaN : Number(limit),
      enforcement: String(form.get('enforcement')) as Budget['enforcement'],
      timezone: String(form.get('timezone') || 'UTC'),
      thresholds: String(form.get('thresholds'))
        .split(',')
        .map((t) => Number(t.trim()) / 100),
      ...(form.get('window') ? { window: String(form.get('window')) } : {}),
    };
    put.mutate({ params: { team }, body }, { onSuccess: onDone });
  };
  return (
    <form
      className="panel form"
      aria-label={budget ? `Edit budget of ${budget.team}` : 'New budget'}
      onSubmit={(e) => {
        e.preventDefault();
        submit(new FormData(e.currentTarget));
      }}
    >
      <h2>{budget ? `Edit budget of ${budget.team}` : 'New budget'}</h2>
      {!budget && (
        <label>
          Team <input name="team" required {...described('team')} />
          {fieldError('team')}
        </label>
      )}
      <label>
        Period{' '}
        <select
          name="period"
          value={period}
          onChange={(e) => setPeriod(e.target.value as Budget['period'])}
          {...described('period')}
        >
          <option>daily</option>
          <option>weekly</option>
          <option>monthly</option>
          <option>rolling</option>
        </select>
        {fieldError('period')}
      </label>
      {period === 'rolling' && (
        <label>
          Window (90m, 24h, 7d){' '}
          <input name="window" defaultValue={budget?.window ?? '24h'} {...described('window')} />
          {fieldError('window')}
        </label>
      )}
      <label>
        Limit (USD){' '}
        <input
          name="limitUsd"
          inputMode="decimal"
          defaultValue={budget?.limitUsd ?? ''}
          {...described('limitUsd')}
        />
        {fieldError('limitUsd')}
      </label>
      <label>
        Enforcement{' '}
        <select name="enforcement" defaultValue={budget?.enforcement ?? 'soft'}>
          <option value="soft">soft (warn)</option>
          <option value="hard">hard (block)</option>
        </select>
      </label>
      <label>
        Time zone{' '}
        <input name="timezone" defaultValue={budget?.timezone ?? 'UTC'} {...described('timezone')} />
        {fieldError('timezone')}
      </label>
      <label>
        Alert thresholds (% of the limit){' '}
        <input
          name="thresholds"
          defaultValue={(budget?.thresholds ?? [0.8, 0.9, 0.95, 1])
            .map((t) => Math.round(t * 1000) / 10)
            .join(', ')}
          {...described('thresholds')}
        />
        {fieldError('thresholds')}
      </label>
      {error && !field && (
        <p className="field-error" role="alert">
          {errorText(error)}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={put.isPending}>
          {put.isPending ? 'Saving…' : 'Save budget'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {budget && (
          <button
            type="button"
            className="danger"
            onClick={() =>
              window.confirm(`Delete the budget of ${budget.team}?`) &&
              remove.mutate({ params: { team: budget.team } }, { onSuccess: onDone })
            }
          >
            Delete budget
          </button>
        )}
      </div>
    </form>
  );
}
