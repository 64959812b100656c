import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

/** Registry exports as .xlsx, made with exceljs, then altered part by part as a crafted file is. */

export const header = ['Codice cliente', 'Contratto', 'Ragione sociale', 'Indirizzo'];

export async function registryWorkbook(rows: readonly (readonly unknown[])[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Anagrafica');
  for (const row of rows) sheet.addRow([...row]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The workbook with its parts changed (`change` returns the new text) or added. */
export function altered(
  xlsx: Uint8Array,
  change: (path: string, text: string) => string = (_, text) => text,
  added: Record<string, Uint8Array> = {},
): Buffer {
  const parts = unzipSync(xlsx);
  const out: Record<string, Uint8Array> = { ...added };
  for (const [path, bytes] of Object.entries(parts))
    out[path] = path.endsWith('.xml') ? strToU8(change(path, strFromU8(bytes))) : bytes;
  return Buffer.from(zipSync(out));
}

/** `items` more shared strings, as the tables that cost the old reader 14 s and 456 MiB. */
export const withSharedStrings = (xlsx: Uint8Array, items: string): Buffer =>
  altered(xlsx, (path, text) =>
    path === 'xl/sharedStrings.xml' ? text.replace('</sst>', `${items}</sst>`) : text,
  );

export const valid = () =>
  registryWorkbook([header, ['1001234567', '3001234567', 'Test SRL', 'Via Vai 1']]);
