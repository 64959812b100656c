import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import { parseDateText, parseNumberText, serialToIsoDate } from './cellText.js';
import { cellIssue, type CellPlace } from './issues.js';
import type { Cell, Sheet } from './sheetCells.js';
import type { WorkbookKind } from './templateContext.js';

/**
 * Typed reading of one cell. Each function returns the value, or null when the cell is empty or
 * wrong; a wrong cell (and an empty required one) adds an issue naming sheet, cell and field.
 */
export interface SheetReader {
  readonly file: WorkbookKind;
  readonly sheet: Sheet;
  readonly date1904: boolean;
  readonly issues: WorkbookIssue[];
}

const place = (r: SheetReader, cell: string, field: string): CellPlace => ({
  sheet: r.sheet.name,
  cell,
  field,
});

const shown = (cell: Cell): string => String(cell.value);

function raw(r: SheetReader, cell: string, field: string, required: boolean): Cell | null {
  const value = r.sheet.cells.get(cell);
  if (value?.kind === 'text' && value.value.trim() === '') return missing(r, cell, field, required);
  if (!value) return missing(r, cell, field, required);
  if (value.kind !== 'error') return value;
  r.issues.push(
    cellIssue(
      r.file,
      place(r, cell, field),
      'FormulaError',
      `La formula della cella ${cell} dà un errore (${value.value}).`,
      'Correggi la formula oppure scrivi direttamente il valore.',
    ),
  );
  return null;
}

function missing(r: SheetReader, cell: string, field: string, required: boolean): null {
  if (required) {
    r.issues.push(
      cellIssue(
        r.file,
        place(r, cell, field),
        'RequiredFieldMissing',
        `Il campo «${field}» è vuoto.`,
        `Compila la cella ${cell} del foglio «${r.sheet.name}».`,
      ),
    );
  }
  return null;
}

export function readText(
  r: SheetReader,
  cell: string,
  field: string,
  required = true,
): string | null {
  const value = raw(r, cell, field, required);
  if (!value) return null;
  if (value.kind === 'text') return value.value.trim();
  if (value.kind === 'boolean') return value.value ? 'VERO' : 'FALSO';
  return shown(value);
}

export function readNumber(
  r: SheetReader,
  cell: string,
  field: string,
  required = true,
): number | null {
  const value = raw(r, cell, field, required);
  if (!value) return null;
  if (value.kind === 'number') return value.value;
  const parsed = value.kind === 'text' ? parseNumberText(value.value) : null;
  if (parsed?.ok) return parsed.value;
  const ambiguous = parsed !== null && !parsed.ok && parsed.ambiguous;
  r.issues.push(
    cellIssue(
      r.file,
      place(r, cell, field),
      ambiguous ? 'NumberAmbiguous' : 'NumberInvalid',
      ambiguous
        ? `«${shown(value)}» è ambiguo: non si capisce se il punto separa le migliaia o i decimali.`
        : `Nel campo «${field}» c'è «${shown(value)}» al posto di un numero.`,
      ambiguous
        ? 'Scrivi il numero senza separatore delle migliaia, con la virgola per i decimali (es. 1234,5).'
        : 'Scrivi solo il numero, senza unità di misura né lettere (es. 1234,5).',
    ),
  );
  return null;
}

/** ISO date (YYYY-MM-DD): date cells, serial numbers and text dates as in cellText.ts. */
export function readDate(
  r: SheetReader,
  cell: string,
  field: string,
  required = true,
): string | null {
  const value = raw(r, cell, field, required);
  if (!value) return null;
  const date =
    value.kind === 'number'
      ? serialToIsoDate(value.value, r.date1904)
      : value.kind === 'text' || value.kind === 'isoDate'
        ? parseDateText(value.value)
        : null;
  if (date) return date;
  r.issues.push(
    cellIssue(
      r.file,
      place(r, cell, field),
      'DateInvalid',
      `«${shown(value)}» non è una data valida.`,
      'Scrivi la data come gg/mm/aaaa, per esempio 15/03/2025.',
    ),
  );
  return null;
}

const normalise = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

/** A value from a list; `options` maps the normalised accepted spellings to the value. */
export function readChoice<T>(
  r: SheetReader,
  cell: string,
  field: string,
  options: ReadonlyMap<string, T>,
  allowed: readonly string[],
  required = true,
): T | null {
  const value = raw(r, cell, field, required);
  if (!value) return null;
  const choice = options.get(
    normalise(value.kind === 'boolean' ? (value.value ? 'si' : 'no') : shown(value)),
  );
  if (choice !== undefined) return choice;
  r.issues.push(
    cellIssue(
      r.file,
      place(r, cell, field),
      'ValueNotInList',
      `«${shown(value)}» non è tra i valori ammessi per «${field}».`,
      `Scegli dall'elenco: ${allowed.join(', ')}.`,
    ),
  );
  return null;
}

/** The value of a spelling, compared the way readChoice compares them. */
export const chosen = <T>(options: ReadonlyMap<string, T>, text: string): T | undefined =>
  options.get(normalise(text));

/** Accepted spellings → value, normalised the way readChoice compares them. */
export const choices = <T>(pairs: readonly (readonly [string, T])[]): ReadonlyMap<string, T> =>
  new Map(pairs.map(([text, value]) => [normalise(text), value]));

export const YES = 'Sì';
export const NO = 'No';
export const yesNo = choices<boolean>([
  [YES, true],
  ['si', true],
  ['s', true],
  ['x', true],
  ['yes', true],
  ['vero', true],
  ['true', true],
  ['1', true],
  [NO, false],
  ['n', false],
  ['false', false],
  ['falso', false],
  ['0', false],
]);
