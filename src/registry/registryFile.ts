import { parse } from 'csv-parse/sync';
import { isTenDigitCode } from '../../domain/shared/italianIdentifiers.js';

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
    const reason = !isTenDigitCode(customerCode)
      ? `codice cliente "${customerCode}" non di 10 cifre`
      : !isTenDigitCode(contractNumber)
        ? `numero contratto "${contractNumber}" non di 10 cifre`
        : !companyName
          ? 'ragione sociale mancante'
          : seen.has(`${customerCode}/${contractNumber}`)
            ? 'coppia ripetuta nel file'
            : null;
    if (reason) rejected.push({ line, reason });
    else {
      seen.add(`${customerCode}/${contractNumber}`);
      rows.push({ customerCode, contractNumber, companyName, plantAddress });
    }
  });
  return { rows, rejected };
}

function csvLines(content: Buffer): string[][] {
  const text = content.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter =
    (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    return parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false });
  } catch (error) {
    throw new RegistryFileError(`Il file CSV non è leggibile: ${(error as Error).message}`);
  }
}

async function xlsxLines(content: Buffer): Promise<string[][]> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw new RegistryFileError(
      'Il file Excel non è leggibile: salvarlo di nuovo in formato .xlsx.',
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new RegistryFileError('Il file Excel non contiene fogli.');
  const lines: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    lines[rowNumber - 1] = [1, 2, 3, 4].map((column) => row.getCell(column).text ?? '');
  });
  return Array.from(lines, (line) => line ?? []);
}
