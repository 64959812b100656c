import type { Content, TableCell } from 'pdfmake/interfaces.js';
import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import { formatBytes } from './italianFormat.js';
import { headerRow, none, section, table } from './pdfBlocks.js';

/** What came with the figures: the warnings the declarant accepted and the files, with hashes. */

export interface SubmittedFile {
  readonly slot: string;
  readonly filename: string;
  readonly size: number;
  /** Lower-case hex SHA-256 of the bytes as received. */
  readonly sha256: string;
  readonly description: string | null;
}

const fileLabels: Record<WorkbookIssue['file'], string> = {
  dichiarazione: 'Dichiarazione',
  analisi: 'Analisi chimiche',
  checklist: 'Check-list',
};

const where = (issue: WorkbookIssue) =>
  [issue.sheet && `foglio ${issue.sheet}`, issue.cell && `cella ${issue.cell}`, issue.field]
    .filter(Boolean)
    .join(', ') || 'intero file';

export function warningsSection(warnings: readonly WorkbookIssue[]): Content[] {
  const title = 'Segnalazioni confermate dal dichiarante';
  if (warnings.length === 0)
    return section(title, [none('Nessuna segnalazione sui file caricati.')]);
  return section(
    title,
    [
      {
        text: 'Il dichiarante ha preso visione delle segnalazioni seguenti e ha confermato l’invio.',
        margin: [0, 0, 0, 3],
      },
      table(
        ['auto', 'auto', '*'],
        [
          headerRow('File', 'Posizione', 'Segnalazione'),
          ...warnings.map((warning): TableCell[] => [
            { text: fileLabels[warning.file] },
            { text: where(warning) },
            { text: [warning.problem, { text: ` (${warning.code})`, style: 'small' }] },
          ]),
        ],
      ),
    ],
    warnings.length + 2,
  );
}

/**
 * One row per file, so a page break never parts a file from its hash. The hash has its own line in
 * Courier 8 pt (about 310 pt of a column of some 350) that never wraps: copied or
 * extracted as text it stays the 64 hex characters a verifier compares.
 */
export function filesSection(files: readonly SubmittedFile[]): Content[] {
  const title = 'File inviati';
  if (files.length === 0) return section(title, [none('Nessun file.')]);
  return section(
    title,
    [
      table(
        [90, '*', 'auto'],
        [
          headerRow('Documento', 'File e impronta SHA-256', 'Dimensione'),
          ...files.map((file): TableCell[] => [
            { text: file.slot },
            {
              stack: [
                { text: file.filename, bold: true },
                ...(file.description ? [{ text: file.description, style: 'muted' }] : []),
                { text: file.sha256, style: 'mono', noWrap: true },
              ],
            },
            { text: formatBytes(file.size), alignment: 'right', noWrap: true },
          ]),
        ],
      ),
      {
        text: 'L’impronta SHA-256 identifica il contenuto di ciascun file: ricalcolata sul file conservato, ne prova l’integrità.',
        style: 'small',
      },
    ],
    files.length * 3,
  );
}
