// Billed vs recorded per model and served provider, and the calls whose bill differed.
import type { ROUTES, RouteOutput } from '@genops/processor/api';
import { formatCount, formatTime, formatUsd } from '../../format.js';

type Report = RouteOutput<typeof ROUTES.getReconciliation>;

export function BilledVsRecorded({ groups }: { groups: Report['groups'] }) {
  return (
    <table>
      <caption>Billed vs recorded by model and served provider</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Served by</th>
          <th scope="col" className="num">
            Calls
          </th>
          <th scope="col" className="num">
            Recorded
          </th>
          <th scope="col" className="num">
            Billed
          </th>
          <th scope="col" className="num">
            Drift
          </th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={`${g.model}/${g.provider}`}>
            <td>{g.model}</td>
            <td>{g.provider}</td>
            <td className="num">{formatCount(g.calls)}</td>
            <td className="num">{formatUsd(g.recordedUsd)}</td>
            <td className="num">{formatUsd(g.billedUsd)}</td>
            <td className="num">{formatUsd(g.adjustmentUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Adjustments({ changes }: { changes: Report['changes'] }) {
  return (
    <>
      <h2>Adjustments</h2>
      {changes.length ? (
        <ul>
          {changes.map((c) => (
            <li key={c.generationId}>
              {formatTime(c.time)} <code>{c.generationId}</code> {c.model} ({c.provider}, {c.costSource}):{' '}
              {formatUsd(c.recordedUsd)} → {formatUsd(c.billedUsd)} ({formatUsd(c.adjustmentUsd)})
            </li>
          ))}
        </ul>
      ) : (
        <p className="state">No bill differed from what was recorded.</p>
      )}
    </>
  );
}
