// The range of a page: presets, or dates from and to (kept in the URL).
import { RANGES, rangeOf } from '../url-state.js';

interface Props {
  params: URLSearchParams;
  update: (changes: Record<string, string | undefined>) => void;
}

export function RangeBar({ params, update }: Props) {
  const range = rangeOf(params);
  return (
    <div className="range-bar" role="group" aria-label="Time range">
      {Object.keys(RANGES).map((name) => (
        <button
          key={name}
          type="button"
          aria-pressed={range.name === name}
          onClick={() => update({ range: name, from: undefined, to: undefined })}
        >
          {name}
        </button>
      ))}
      <label>
        From
        <input
          type="date"
          value={range.from.slice(0, 10)}
          onChange={(e) =>
            e.target.value &&
            update({ from: e.target.value, to: params.get('to') ?? range.to.slice(0, 10), range: undefined })
          }
        />
      </label>
      <label>
        To
        <input
          type="date"
          value={range.to.slice(0, 10)}
          onChange={(e) =>
            e.target.value &&
            update({
              to: e.target.value,
              from: params.get('from') ?? range.from.slice(0, 10),
              range: undefined,
            })
          }
        />
      </label>
    </div>
  );
}
