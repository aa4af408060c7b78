/// <reference types="svelte" />
// A sortable, searchable view of rows already loaded (the ranking, the unit list): the
// rows come from the API untouched; sorting and search only change what is shown.
import { matches } from './text.ts';

export type SortDir = 'asc' | 'desc';
export type Value = string | number | null | undefined;

export interface Column<T> {
  key: string;
  value: (row: T) => Value;
  /** Direction used on the first click (numbers of merit usually want desc). */
  firstDir?: SortDir;
  /** Order of two non-empty values when plain Vietnamese order is not right (e.g. people's names). */
  compare?: (a: Value, b: Value) => number;
}

const collator = typeof Intl !== 'undefined' ? new Intl.Collator('vi', { sensitivity: 'base', numeric: true }) : undefined;

export function compareValues(a: Value, b: Value): number {
  // Empty cells sort last whatever the direction is.
  const ea = a === null || a === undefined || a === '';
  const eb = b === null || b === undefined || b === '';
  if (ea || eb) return ea === eb ? 0 : ea ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator ? collator.compare(String(a), String(b)) : String(a).localeCompare(String(b));
}

export class SortableTable<T> {
  #rows = $state.raw<readonly T[]>([]);
  #query = $state('');
  #sortKey = $state<string | undefined>(undefined);
  #dir = $state<SortDir>('asc');
  #columns: readonly Column<T>[];
  #searchable: (row: T) => Value[];

  #view = $derived.by(() => {
    const q = this.#query;
    const filtered = q.trim() ? this.#rows.filter((r) => matches(this.#searchable(r), q)) : [...this.#rows];
    const col = this.#columns.find((c) => c.key === this.#sortKey);
    if (!col) return filtered;
    const sign = this.#dir === 'asc' ? 1 : -1;
    // Stable: equal values keep the server's order (its rank).
    return filtered
      .map((row, i) => ({ row, i }))
      .sort((x, y) => {
        const vx = col.value(x.row);
        const vy = col.value(y.row);
        const empty = (v: Value) => v === null || v === undefined || v === '';
        const c = empty(vx) || empty(vy) ? compareValues(vx, vy) : sign * (col.compare ?? compareValues)(vx, vy);
        return c || x.i - y.i;
      })
      .map((x) => x.row);
  });

  constructor(columns: readonly Column<T>[], searchable: (row: T) => Value[], rows: readonly T[] = []) {
    this.#columns = columns;
    this.#searchable = searchable;
    this.#rows = rows;
  }

  get rows(): readonly T[] {
    return this.#view;
  }
  get total(): number {
    return this.#rows.length;
  }
  get query(): string {
    return this.#query;
  }
  set query(q: string) {
    this.#query = q;
  }
  get sortKey(): string | undefined {
    return this.#sortKey;
  }
  get dir(): SortDir {
    return this.#dir;
  }

  setRows(rows: readonly T[]): void {
    this.#rows = rows;
  }

  /** Clicking the sorted column flips it; another column starts with its first direction. */
  sortBy(key: string): void {
    if (this.#sortKey === key) this.#dir = this.#dir === 'asc' ? 'desc' : 'asc';
    else {
      this.#sortKey = key;
      this.#dir = this.#columns.find((c) => c.key === key)?.firstDir ?? 'asc';
    }
  }

  /** For aria-sort on the column header. */
  ariaSort(key: string): 'ascending' | 'descending' | 'none' {
    return this.#sortKey !== key ? 'none' : this.#dir === 'asc' ? 'ascending' : 'descending';
  }
}
