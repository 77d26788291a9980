// A table with sortable columns (buttons in the headers, so the keyboard sorts too) and optional row actions.
import { useMemo, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  /** The value sorted on (and shown, unless `render`). */
  value: (row: T) => string | number;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
  /** Long text (reasons): may wrap; other cells stay on one line. */
  wrap?: boolean;
}

interface Props<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** `column` or `-column` (descending). */
  sort?: string | undefined;
  onSort?: (sort: string) => void;
  /** Makes each row's first cell a button (drill down, details). */
  onRowActivate?: ((row: T) => void) | undefined;
  rowLabel?: (row: T) => string;
  /** A long list: the table scrolls inside a box (focusable, so the keyboard scrolls it too). */
  scroll?: boolean;
}

export function sortRows<T>(rows: T[], columns: Column<T>[], sort: string | undefined): T[] {
  if (!sort) return rows;
  const desc = sort.startsWith('-');
  const column = columns.find((c) => c.key === sort.replace(/^-/, ''));
  if (!column) return rows;
  return [...rows].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return desc ? -order : order;
  });
}

export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  onRowActivate,
  rowLabel,
  scroll,
}: Props<T>) {
  const sorted = useMemo(() => sortRows(rows, columns, sort), [rows, columns, sort]);
  const active = sort?.replace(/^-/, '');
  return (
    <div
      className={scroll ? 'table-wrap scroll' : 'table-wrap'}
      {...(scroll ? { tabIndex: 0, role: 'region', 'aria-label': caption } : {})}
    >
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const direction =
                active === c.key ? (sort!.startsWith('-') ? 'descending' : 'ascending') : 'none';
              return (
                <th key={c.key} scope="col" aria-sort={direction} className={c.numeric ? 'num' : undefined}>
                  {onSort ? (
                    <button
                      type="button"
                      className="sort"
                      onClick={() => onSort(direction === 'descending' ? c.key : `-${c.key}`)}
                    >
                      {c.header}
                      <span aria-hidden="true">
                        {direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ''}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c, i) => {
                const content = c.render ? c.render(row) : c.value(row);
                return (
                  <td key={c.key} className={c.numeric ? 'num' : c.wrap ? 'wrap' : undefined}>
                    {i === 0 && onRowActivate ? (
                      <button
                        type="button"
                        className="link"
                        onClick={() => onRowActivate(row)}
                        aria-label={rowLabel?.(row)}
                      >
                        {content === '' ? '(none)' : content}
                      </button>
                    ) : (
                      content
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
