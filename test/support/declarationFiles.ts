import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Edits } from '../declarations/workbooks/support/workbookFixtures.js';

/**
 * The fixtures' figures are for 2025; a campaign of another year refuses samples taken outside
 * it. Every date moves to the same day of `year`, everything else stays.
 */
export function inYear(edits: Edits, year: number): Edits {
  const moved = (value: unknown) =>
    value instanceof Date
      ? new Date(Date.UTC(year, value.getUTCMonth(), value.getUTCDate()))
      : value;
  return Object.fromEntries(
    Object.entries(edits).map(([sheet, cells]) => [
      sheet,
      Object.fromEntries(Object.entries(cells).map(([ref, value]) => [ref, moved(value)])),
    ]),
  ) as Edits;
}

/** A one-page PDF with a line of text, valid enough for any reader (offsets computed). */
export function smallPdf(line: string): Buffer {
  const stream = `BT /F1 14 Tf 72 760 Td (${line.replace(/[()\\]/g, '\\$&')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R ' +
      '/Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, index) => {
    const offset = body.length;
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = body.length;
  body +=
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A folder of files to hand to `setInputFiles`, as a person picks them from their disk. */
export class UploadFolder {
  private readonly dir = mkdtempSync(join(tmpdir(), 'dichiara-upload-'));

  write(name: string, content: Buffer): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
