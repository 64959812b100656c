import type { FlowRow } from '../../../domain/observatory/flowEvents.js';
import { columnLetters } from '../../declarations/workbooks/sheetCells.js';
import { textProblem } from '../../platform/http/text.js';
import { flowFieldLabels, type FlowFormValues } from '../flowForm.js';
import { checkRows, flowFields, shown, type FlowField, type NumberedRow } from '../flowRows.js';
import {
  csvCells,
  maxFileBytes,
  maxFileRows,
  tooManyRowsMessage,
  xlsxCells,
  type FileCell,
  type FileLine,
} from './flowFileCells.js';

/**
 * A month's rows from a file: a header naming the form's six fields (row 1), then one row per
 * waste. Every problem is an Italian sentence naming the file's row (the header is row 1) and
 * the column; nothing throws on any input, and a file with a problem gives no row at all.
 */
export type FlowFileReading =
  | { readonly ok: true; readonly rows: FlowRow[] }
  | { readonly ok: false; readonly errors: string[] };

const refused = (...errors: string[]): FlowFileReading => ({ ok: false, errors });

/** The columns a file has, in the template's order. */
export const fileHeaders: readonly string[] = flowFields.map((field) => flowFieldLabels[field]);
const columnList = fileHeaders.map((header) => `"${header}"`).join(', ');

/** A header as a person may type it: accents, case and spaces do not matter. */
const headerKey = (text: string) =>
  text.normalize('NFD').replace(/\p{M}/gu, '').replace(/\s+/g, ' ').trim().toLowerCase();
const fieldByHeader = new Map(
  flowFields.map((field) => [headerKey(flowFieldLabels[field]), field]),
);

/** 'La quantità…' after «Riga 4, colonna "Quantità (t)": » reads 'la quantità…'; 'EER…' stays. */
const continued = (message: string) =>
  /^\p{Lu}\p{Ll}/u.test(message) ? message.charAt(0).toLowerCase() + message.slice(1) : message;

const at = (line: number, field: FlowField, message: string) =>
  `Riga ${line}, colonna "${flowFieldLabels[field]}": ${continued(message)}`;

/** Whatever a file says, as the rows of the month or every problem found in it. */
export async function readFlowFile(fileName: string, bytes: Uint8Array): Promise<FlowFileReading> {
  if (bytes.length === 0) return refused('Il file è vuoto (0 byte): scegli il file compilato.');
  if (bytes.length > maxFileBytes)
    return refused(`Il file supera la dimensione massima di ${maxFileBytes / 1024 / 1024} MB.`);
  const extension = /\.(csv|xlsx)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (!extension)
    return refused(
      'Il file deve essere in formato CSV (.csv) o Excel (.xlsx): scarica il modello e compilalo.',
    );
  const cells = extension === 'xlsx' ? await xlsxCells(bytes) : csvCells(bytes);
  if (!cells.ok) return refused(cells.message);
  return rowsOf(cells.lines);
}

type Header =
  | { readonly ok: true; readonly columns: readonly (FlowField | null)[] }
  | { readonly ok: false; readonly problems: string[] };

/** The field of each column, by the header's names; or every problem of the header. */
function headerColumns(header: FileLine | undefined): Header {
  if (header?.line !== 1) {
    const problem = `Riga 1: la prima riga del file deve contenere le intestazioni delle colonne (${columnList}), come nel modello.`;
    return { ok: false, problems: [problem] };
  }
  const problems: string[] = [];
  const columns = header.cells.map((cell, index): FlowField | null => {
    if (!cell) return null;
    const field = cell.formula ? undefined : fieldByHeader.get(headerKey(cell.text));
    const where = `Riga 1, colonna ${columnLetters(index + 1)}`;
    if (!field) problems.push(`${where}: intestazione ${shown(cell.text)} non prevista.`);
    return field ?? null;
  });
  for (const field of flowFields) {
    const count = columns.filter((column) => column === field).length;
    if (count === 0) problems.push(`Riga 1: manca la colonna "${flowFieldLabels[field]}".`);
    if (count > 1) problems.push(`Riga 1: la colonna "${flowFieldLabels[field]}" è ripetuta.`);
  }
  if (problems.length === 0) return { ok: true, columns };
  return { ok: false, problems: [...problems, `Le colonne del modello sono: ${columnList}.`] };
}

/** Why a cell cannot be read as a value, or null. */
function cellProblem(cell: FileCell): string | null {
  if (cell.formula) return 'la cella contiene una formula: scrivi il valore, non la formula.';
  if (cell.error !== undefined)
    return `la cella contiene un errore di calcolo (${shown(cell.error)}): scrivi il valore.`;
  const problem = textProblem(cell.text);
  return problem ? continued(problem) : null;
}

interface LineReading {
  readonly values: FlowFormValues;
  readonly problems: { readonly field: FlowField | null; readonly message: string }[];
}

function readLine(line: FileLine, columns: readonly (FlowField | null)[]): LineReading {
  const values: FlowFormValues = {};
  const problems: LineReading['problems'] = [];
  line.cells.forEach((cell, index) => {
    if (!cell) return;
    const field = columns[index] ?? null;
    if (!field) {
      const where = `Riga ${line.line}, colonna ${columnLetters(index + 1)}`;
      problems.push({
        field,
        message: `${where}: valore ${shown(cell.text)} fuori dalle colonne del modello.`,
      });
      return;
    }
    const problem = cellProblem(cell);
    if (problem) problems.push({ field, message: at(line.line, field, problem) });
    else values[field] = cell.text;
  });
  return { values, problems };
}

function rowsOf(lines: readonly FileLine[]): FlowFileReading {
  if (lines.length === 0)
    return refused(
      `Il file non contiene dati: nella prima riga servono le intestazioni (${columnList}), nelle seguenti i rifiuti del mese.`,
    );
  const header = headerColumns(lines[0]);
  if (!header.ok) return refused(...header.problems);
  const data = lines.slice(1);
  if (data.length === 0)
    return refused(
      'Il file contiene solo le intestazioni: aggiungi una riga per ogni rifiuto del mese.',
    );
  if (data.length > maxFileRows) return refused(tooManyRowsMessage(data.length));
  const found: { line: number; order: number; message: string }[] = [];
  const numbered: NumberedRow[] = [];
  for (const line of data) {
    const reading = readLine(line, header.columns);
    const blocked = new Set(reading.problems.map((problem) => problem.field));
    for (const problem of reading.problems)
      found.push({ line: line.line, order: orderOf(problem.field), message: problem.message });
    // The form's rules for the rest; a field whose cell is refused is told once, not twice.
    const row = { line: line.line, values: reading.values };
    if (blocked.size === 0) numbered.push(row);
    else
      found.push(
        ...otherProblems(row)
          .filter((problem) => !blocked.has(problem.field))
          .map(located),
      );
  }
  const check = checkRows(numbered);
  if (check.ok && found.length === 0) return { ok: true, rows: check.rows };
  if (!check.ok) found.push(...check.problems.map(located));
  found.sort((a, b) => a.line - b.line || a.order - b.order);
  return refused(...found.map((problem) => problem.message));
}

const orderOf = (field: FlowField | null) =>
  field ? flowFields.indexOf(field) : flowFields.length;

const located = (problem: { line: number; field: FlowField; message: string }) => ({
  line: problem.line,
  order: orderOf(problem.field),
  message: at(problem.line, problem.field, problem.message),
});

/** The form's problems of a row already refused for one of its cells (not checked for repeats). */
function otherProblems(row: NumberedRow) {
  const check = checkRows([row]);
  return check.ok ? [] : check.problems;
}
