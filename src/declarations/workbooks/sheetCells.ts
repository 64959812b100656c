import { unescapeOoxml } from './stringItem.js';
import type { RawCell } from './worksheetReader.js';

/** The value a cell shows: for a formula, its cached result (we never recalculate). */
export type Cell =
  | { readonly kind: 'number'; readonly value: number; readonly date: boolean }
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'error'; readonly value: string }
  /** `t="d"`: an ISO 8601 date written as such (rare, but valid SpreadsheetML). */
  | { readonly kind: 'isoDate'; readonly value: string };

export interface Sheet {
  readonly name: string;
  /** By A1 reference; empty cells are absent. */
  readonly cells: ReadonlyMap<string, Cell>;
  /** Last row holding a value (0 for an empty sheet). */
  readonly lastRow: number;
  /** A1 references of the cells written as formulas, valued or not (their values are cached). */
  readonly formulas?: ReadonlySet<string>;
}

export interface SheetStyles {
  readonly strings: readonly string[];
  readonly dateStyles: readonly boolean[];
}

export const columnLetters = (index: number): string => {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
};

function cellValue({ type, style, value: raw }: RawCell, at: SheetStyles): Cell | null {
  if (type === 'inlineStr') return { kind: 'text', value: raw };
  const v = unescapeOoxml(raw);
  switch (type) {
    case 's': {
      const text = at.strings[Number(v)];
      return text === undefined ? null : { kind: 'text', value: text };
    }
    case 'str':
      return { kind: 'text', value: v };
    case 'b':
      return { kind: 'boolean', value: v.trim() === '1' || v.trim() === 'true' };
    case 'e':
      return { kind: 'error', value: v.trim() };
    case 'd':
      return { kind: 'isoDate', value: v.trim() };
    default: {
      const value = Number(v);
      if (v.trim() === '' || !Number.isFinite(value)) return null;
      return { kind: 'number', value, date: at.dateStyles[style] ?? false };
    }
  }
}

/** A sheet's cells by reference, once the shared strings and the date styles are known. */
export function sheetOf(name: string, raw: readonly RawCell[], at: SheetStyles): Sheet {
  const cells = new Map<string, Cell>();
  const formulas = new Set<string>();
  let lastRow = 0;
  for (const cell of raw) {
    if (cell.formula) formulas.add(`${columnLetters(cell.column)}${cell.row}`);
    if (cell.value.trim() === '') continue;
    const value = cellValue(cell, at);
    if (!value || (value.kind === 'text' && value.value === '')) continue;
    cells.set(`${columnLetters(cell.column)}${cell.row}`, value);
    lastRow = Math.max(lastRow, cell.row);
  }
  return { name, cells, lastRow, formulas };
}
