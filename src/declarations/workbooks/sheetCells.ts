import { decodeXml, elementPattern, stringItemText } from './xmlText.js';

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

const columnIndex = (letters: string): number =>
  [...letters].reduce((sum, letter) => sum * 26 + letter.charCodeAt(0) - 64, 0);

const ROW = elementPattern('row');
const CELL = elementPattern('c');
// Attribute look-ups by precompiled patterns: a Map of every attribute per cell costs too much.
const attribute = (name: string) => new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
const R = attribute('r');
const T = attribute('t');
const S = attribute('s');
const get = (pattern: RegExp, tag: string): string | undefined => {
  const match = pattern.exec(tag);
  return match ? (match[1] ?? match[2]) : undefined;
};

const VALUE = /<(?:\w+:)?v\b[^>]*>([\s\S]*?)<\/(?:\w+:)?v>/;
const INLINE = /<(?:\w+:)?is\b[^>]*>([\s\S]*?)<\/(?:\w+:)?is>/;

function cellValue(type: string, style: number, content: string, at: SheetStyles): Cell | null {
  if (type === 'inlineStr') {
    const inline = INLINE.exec(content);
    return inline ? { kind: 'text', value: stringItemText(inline[1] ?? '') } : null;
  }
  const raw = VALUE.exec(content)?.[1];
  if (raw === undefined) return null;
  const v = decodeXml(raw);
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

/**
 * The cells of a worksheet part, or null when more than `maxRows` rows hold values. Rows and
 * cells without an `r` attribute follow the previous ones, as the format allows.
 */
export function parseSheet(
  name: string,
  xml: string,
  at: SheetStyles,
  maxRows: number,
): Sheet | null {
  const cells = new Map<string, Cell>();
  let rowNumber = 0;
  let valuedRows = 0;
  let lastRow = 0;
  for (const row of xml.matchAll(ROW)) {
    const r = Number(get(R, row[1] ?? ''));
    rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
    let column = 0;
    let valued = false;
    for (const c of (row[2] ?? '').matchAll(CELL)) {
      const tag = c[1] ?? '';
      const ref = /^([A-Z]{1,3})\d+$/.exec(get(R, tag) ?? '');
      column = ref ? columnIndex(ref[1] ?? '') : column + 1;
      const value = cellValue(get(T, tag) ?? 'n', Number(get(S, tag) ?? 0), c[2] ?? '', at);
      if (!value || (value.kind === 'text' && value.value === '')) continue;
      cells.set(`${columnLetters(column)}${rowNumber}`, value);
      valued = true;
    }
    if (!valued) continue;
    lastRow = rowNumber;
    if (++valuedRows > maxRows) return null;
  }
  return { name, cells, lastRow };
}
