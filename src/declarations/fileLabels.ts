import type { WorkbookIssue } from '../../domain/declarations/declarationFigures.js';

/** Which upload an issue is about, named as the wizard's steps name it (the seed's labels). */
export const issueFileLabels: Readonly<Record<WorkbookIssue['file'], string>> = {
  dichiarazione: 'Dichiarazione',
  analisi: 'Analisi chimiche (Excel)',
  checklist: 'Check list fattori rischio',
};
