import { parse } from 'csv-parse/sync';
import { sniff, type FileType } from '../../declarations/workbooks/fileSniff.js';
import { uploadLimits, type WorkbookLimits } from '../../declarations/workbooks/limits.js';
import { openWorkbook } from '../../declarations/workbooks/openWorkbook.js';
import type { Sheet } from '../../declarations/workbooks/sheetCells.js';
import { refusalText } from '../../declarations/workbooks/zipIssues.js';
import { csvErrorMessage, decodeCsv, unknownEncodingMessage } from '../../registry/csvText.js';

/**
 * A month's file (CSV or .xlsx) as a grid of cells, before any rule of the month reads it. The
 * .xlsx goes through the declarations' bounded reader (magic bytes, zip bombs, macros, links,
 * embedded objects, limits checked while it unzips); the CSV through csv-parse, decoded as the
 * registry's import decodes it (UTF-8 or Windows-1252).
 */

/** Data rows a month takes at most: as many as the page's form may post. */
export const maxFileRows = 500;
export const maxFileBytes = 1024 * 1024;

/** One cell as written: its text, or that it is a formula or holds a calculation error. */
export interface FileCell {
  readonly text: string;
  readonly formula?: boolean;
  readonly error?: string;
}

/** A line of the file (1 = the header) and its cells from column A on; blank lines left out. */
export interface FileLine {
  readonly line: number;
  readonly cells: readonly (FileCell | undefined)[];
}

export type FileCells =
  | { readonly ok: true; readonly lines: readonly FileLine[] }
  | { readonly ok: false; readonly message: string };

/** The bounded reader's figures for a month: a header, 500 rows, the template's own sheets. */
export const flowFileLimits: WorkbookLimits = {
  ...uploadLimits,
  maxTotalSize: 20 * 1024 * 1024,
  maxEntrySize: 10 * 1024 * 1024,
  maxRowsPerSheet: maxFileRows + 1,
  maxCells: 20_000,
  maxSharedStrings: 20_000,
};

export const tooManyRowsMessage = (rows?: number) =>
  `Il file contiene ${rows === undefined ? 'più di ' + maxFileRows : rows} righe di dati: al massimo ${maxFileRows} per mese. Somma in una sola riga le quantità con lo stesso codice EER, modalità, trasportatore, impianto e operazione.`;

const failed = (message: string): FileCells => ({ ok: false, message });

/** The sheet of the month's rows: «Flussi» as the template names it, else the first. */
const flowSheet = (sheets: ReadonlyMap<string, Sheet>): Sheet | undefined =>
  sheets.get('Flussi') ?? sheets.values().next().value;

const columnIndex = (letters: string): number =>
  [...letters].reduce((sum, letter) => sum * 26 + letter.charCodeAt(0) - 64, 0);

/** The first sheet's cells by line and column, formulas and calculation errors marked. */
export async function xlsxCells(bytes: Uint8Array): Promise<FileCells> {
  const opening = await openWorkbook(bytes, flowFileLimits);
  if (!opening.workbook) {
    if (opening.refusal.kind === 'limit' && opening.refusal.limit === 'rows')
      return failed(tooManyRowsMessage());
    const { problem, fix } = refusalText(opening.refusal, flowFileLimits);
    return failed(`${problem} ${fix}`);
  }
  const sheet = flowSheet(opening.workbook.sheets);
  if (!sheet) return failed('Il file Excel non contiene fogli.');
  const byLine = new Map<number, (FileCell | undefined)[]>();
  const place = (ref: string, cell: FileCell) => {
    const [, letters = 'A', digits = '1'] = /^([A-Z]+)(\d+)$/.exec(ref) ?? [];
    const cells = byLine.get(Number(digits)) ?? [];
    cells[columnIndex(letters) - 1] = cell;
    byLine.set(Number(digits), cells);
  };
  for (const [ref, cell] of sheet.cells) {
    if (cell.kind === 'error') place(ref, { text: cell.value, error: cell.value });
    else place(ref, { text: String(cell.value).trim() });
  }
  for (const ref of sheet.formulas ?? []) {
    place(ref, { text: '', formula: true });
  }
  const lines = [...byLine]
    .sort(([a], [b]) => a - b)
    .map(([line, cells]) => ({ line, cells: Array.from(cells) }));
  return { ok: true, lines };
}

const notCsv: Partial<Record<FileType, string>> = {
  zip: 'Il file ha estensione .csv ma è un foglio Excel o un archivio compresso: se è un foglio Excel, caricalo con estensione .xlsx.',
  pdf: 'Il file è un PDF, non un file CSV o Excel.',
  image: 'Il file è un’immagine, non un file CSV o Excel.',
  cfb: 'Il file è nel vecchio formato Excel 97-2003 (.xls), che il portale non accetta: salvalo come «CSV UTF-8» o come «Cartella di lavoro di Excel (.xlsx)».',
  'cfb-encrypted': 'Il file è protetto da password: il portale non può leggerlo.',
};

/** A formula, as a spreadsheet would read the text: = or @ first, or a sign not before a number. */
const looksLikeFormula = (text: string) =>
  /^[=@]/.test(text) || (/^[+-]/.test(text) && !/^[+-]\s*[\d.,]+$/.test(text));

/** The CSV's records as lines, separated by ';' or ',' (whichever the first line has more of). */
export function csvCells(bytes: Uint8Array): FileCells {
  const type = sniff(bytes);
  const refusal = notCsv[type];
  if (refusal) return failed(refusal);
  if (bytes.includes(0)) return failed('Il file non è un testo CSV leggibile.');
  const text = decodeCsv(bytes);
  if (text === null) return failed(unknownEncodingMessage);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (char: string) => firstLine.split(char).length - 1;
  const delimiter = count(';') >= count(',') ? ';' : ',';
  // With `info`, each record comes as { info, record }: csv-parse's types do not say so.
  let records: { info: { lines: number }; record: string[] }[];
  try {
    // Blank lines are skipped, but each record keeps the number of its line in the file; the
    // reading stops one record past the most a month takes.
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      max_record_size: 64 * 1024,
      info: true,
      to: maxFileRows + 2,
    }) as unknown as typeof records;
  } catch (error) {
    return failed(csvErrorMessage(error));
  }
  if (records.length > maxFileRows + 1) return failed(tooManyRowsMessage());
  const lines = records.map(({ info, record }) => ({
    line: info.lines,
    cells: record.map((raw): FileCell | undefined => {
      const cellText = raw.trim();
      if (!cellText) return undefined;
      // '=… is text a spreadsheet (and the portal's own template) wrote so as not to compute it.
      if (/^'[=+\-@]/.test(cellText)) return { text: cellText.slice(1) };
      return looksLikeFormula(cellText) ? { text: cellText, formula: true } : { text: cellText };
    }),
  }));
  return { ok: true, lines };
}
