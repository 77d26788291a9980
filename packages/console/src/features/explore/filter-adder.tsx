// Adds a `dimension = value` filter to the view.
import { FILTERABLE } from './explore-model.js';

export function FilterAdder({ onAdd }: { onAdd: (dimension: string, value: string) => void }) {
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const value = String(form.get('value') ?? '').trim();
        if (value) onAdd(String(form.get('dimension')), value);
        e.currentTarget.reset();
      }}
    >
      <label>
        Filter{' '}
        <select name="dimension" defaultValue="team">
          {FILTERABLE.map((d) => (
            <option key={d}>{d}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        equals <input name="value" placeholder="value" />
      </label>{' '}
      <button type="submit">Add filter</button>
    </form>
  );
}
