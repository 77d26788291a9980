// Overview: spend in the range against the range before, spend over time stacked, the top spenders, the budgets
// closest to their limit and the models no price covers.
import { RangeBar } from '../../components/range-bar.js';
import { rangeOf, useUrlState } from '../../url-state.js';
import { UnpricedModels } from '../prices/unpriced-models.js';
import { ClosestBudgets } from './closest-budgets.js';
import { SpendCards } from './spend-cards.js';
import { SpendOverTime, STACKS } from './spend-over-time.js';
import { TopList } from './top-list.js';

export function OverviewPage() {
  const [params, update] = useUrlState();
  const range = rangeOf(params);
  const stack = params.get('stack') ?? '';
  const stackBy = (STACKS as readonly string[]).includes(stack) ? stack : 'team';
  const window = { from: range.from, to: range.to };
  return (
    <>
      <h1>Overview</h1>
      <RangeBar params={params} update={update} />
      <SpendCards window={window} previous={range.previous} />
      <SpendOverTime window={window} stackBy={stackBy} onStackBy={(by) => update({ stack: by })} />
      <div className="grid3">
        <TopList dimension="team" window={window} />
        <TopList dimension="model" window={window} />
        <TopList dimension="customer" window={window} />
      </div>
      <div className="grid2">
        <ClosestBudgets />
        <UnpricedModels />
      </div>
    </>
  );
}
