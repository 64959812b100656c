import { parse } from 'csv-parse/sync';
import { isTenDigitCode } from '../../domain/shared/italianIdentifiers.js';
import { textProblem } from '../platform/http/text.js';
import { registryLimits } from '../declarations/workbooks/limits.js';
import { openWorkbook } from '../declarations/workbooks/openWorkbook.js';
import { refusalText } from '../declarations/workbooks/zipIssues.js';
import { csvErrorMessage, decodeCsv, unknownEncodingMessage } from './csvText.js';

export interface RegistryRow {
  readonly customerCode: string;
  readonly contractNumber: string;
  readonly companyName: string;
  readonly plantAddress: string;
}

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedRegistry {
  readonly rows: RegistryRow[];
  readonly rejected: RejectedRow[];
}

export class RegistryFileError extends Error {}

/**
 * The utility's registry export: columns customer code, contract number, company name, plant
 * address, as CSV (';' or ',') or as the first sheet of an .xlsx; an optional header row.
 */
export async function parseRegistryFile(
  fileName: string,
  content: Buffer,
): Promise<ParsedRegistry> {
  const lines = /\.xlsx$/i.test(fileName) ? await xlsxLines(content) : csvLines(content);
  const rows: RegistryRow[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Set<string>();
  lines.forEach((cells, index) => {
    const line = index + 1;
    const [customerCode = '', contractNumber = '', companyName = '', plantAddress = ''] = cells.map(
      (cell) => cell.trim(),
    );
    if (line === 1 && !/\d/.test(customerCode)) return; // header
    if (cells.every((cell) => cell.trim() === '')) return;
    const row = { customerCode, contractNumber, companyName, plantAddress };
    const reason = rowProblem(row, seen);
    if (reason) rejected.push({ line, reason });
    else {
      seen.add(`${customerCode}/${contractNumber}`);
      rows.push(row);
    }
  });
  return { rows, rejected };
}

const fieldLabels: Record<keyof RegistryRow, string> = {
  customerCode: 'codice cliente',
  contractNumber: 'numero contratto',
  companyName: 'ragione sociale',
  plantAddress: 'indirizzo',
};

const maxCompanyName = 200;

// The report quotes a wrong code: cut, so that a cell of a whole paragraph is not pasted into it.
function quoted(value: string): string {
  const chars = Array.from(value);
  return `"${chars.length > 20 ? `${chars.slice(0, 20).join('')}…` : value}"`;
}

/**
 * Why a row cannot be imported, in Italian, or null. Characters no text of the portal keeps are
 * looked for first: the other reasons quote the cells.
 */
function rowProblem(row: RegistryRow, seen: ReadonlySet<string>): string | null {
  const fields = Object.keys(fieldLabels) as (keyof RegistryRow)[];
  const unsafe = fields.find((field) => textProblem(row[field]) !== null);
  if (unsafe)
    return `${fieldLabels[unsafe]} con caratteri non ammessi (di controllo, di direzione del testo o non validi)`;
  if (!isTenDigitCode(row.customerCode))
    return `codice cliente ${quoted(row.customerCode)} non di 10 cifre`;
  if (!isTenDigitCode(row.contractNumber))
    return `numero contratto ${quoted(row.contractNumber)} non di 10 cifre`;
  if (!row.companyName) return 'ragione sociale mancante';
  if (Array.from(row.companyName).length > maxCompanyName)
    return `ragione sociale più lunga di ${maxCompanyName} caratteri`;
  if (seen.has(`${row.customerCode}/${row.contractNumber}`)) return 'coppia ripetuta nel file';
  return null;
}

function csvLines(content: Buffer): string[][] {
  const text = decodeCsv(content);
  if (text === null) throw new RegistryFileError(unknownEncodingMessage);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter =
    (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    return parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false });
  } catch (error) {
    throw new RegistryFileError(csvErrorMessage(error));
  }
}

const COLUMNS = ['A', 'B', 'C', 'D'];
const isEmpty = (cells: readonly string[]) => cells.every((cell) => cell.trim() === '');

/**
 * The first sheet, read by the same bounded reader as the declarations' workbooks (with the
 * registry's larger figures): a file that passes a limit, or holds no data row, is refused before
 * anything is imported or recorded.
 */
async function xlsxLines(content: Buffer): Promise<string[][]> {
  const opening = await openWorkbook(content, registryLimits);
  if (!opening.workbook) {
    const { problem, fix } = refusalText(opening.refusal, registryLimits);
    throw new RegistryFileError(`${problem} ${fix}`);
  }
  const [sheet] = opening.workbook.sheets.values();
  if (!sheet) throw new RegistryFileError('Il file Excel non contiene fogli.');
  const lines = Array.from({ length: sheet.lastRow }, (_, index) =>
    COLUMNS.map((column) => {
      const cell = sheet.cells.get(`${column}${index + 1}`);
      return cell ? String(cell.value) : '';
    }),
  );
  // A first line without digits is the header, as parseRegistryFile reads it.
  const data = lines.filter(
    (cells, index) => !isEmpty(cells) && (index > 0 || /\d/.test(cells[0] ?? '')),
  );
  if (data.length === 0)
    throw new RegistryFileError(
      `Il file Excel non contiene righe di dati: nel primo foglio («${sheet.name}») servono, ` +
        'riga per riga, codice cliente, numero contratto, ragione sociale e indirizzo.',
    );
  return lines;
}
