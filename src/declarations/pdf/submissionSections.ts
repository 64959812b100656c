import type { Content, TableCell } from 'pdfmake/interfaces.js';
import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import { formatBytes } from './italianFormat.js';
import { titledTable } from './pdfBlocks.js';

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

export const warningsSection = (warnings: readonly WorkbookIssue[]): Content =>
  titledTable({
    title: 'Segnalazioni confermate dal dichiarante',
    caption:
      warnings.length > 0
        ? 'Il dichiarante ha preso visione delle segnalazioni seguenti e ha confermato l’invio.'
        : undefined,
    widths: ['auto', 'auto', '*'],
    columns: ['File', 'Posizione', 'Segnalazione'],
    rows: warnings.map((warning): TableCell[] => [
      { text: fileLabels[warning.file] },
      { text: where(warning) },
      { text: [warning.problem, { text: ` (${warning.code})`, style: 'small' }] },
    ]),
    empty: 'Nessuna segnalazione sui file caricati.',
  });

/**
 * One row per file, so a page break never parts a file from its hash. The hash has its own line in
 * Courier 8 pt (about 310 pt of a column of some 350) that never wraps: copied or extracted as
 * text it stays the 64 hex characters a verifier compares.
 */
export const filesSection = (files: readonly SubmittedFile[]): Content[] => [
  titledTable({
    title: 'File inviati',
    widths: [90, '*', 'auto'],
    columns: ['Documento', 'File e impronta SHA-256', 'Dimensione'],
    rows: files.map((file): TableCell[] => [
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
    empty: 'Nessun file.',
  }),
  {
    text: 'L’impronta SHA-256 identifica il contenuto di ciascun file: ricalcolata sul file conservato, ne prova l’integrità.',
    style: 'small',
  },
];
