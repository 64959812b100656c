import type { Content, TableCell } from 'pdfmake/interfaces.js';
import type { ChecklistAnswer } from '../../../domain/declarations/declarationFigures.js';
import { titledTable } from './pdfBlocks.js';

/** Step 5 as answered: every question with its Sì/No and the notes, in the check-list's order. */
export const checklistSection = (answers: readonly ChecklistAnswer[] | null): Content =>
  titledTable({
    title: 'Check-list dei fattori di rischio',
    caption: answers ? 'Risposte date dal dichiarante nella check-list caricata.' : undefined,
    widths: [18, '*', 34, 150],
    columns: ['N.', 'Domanda', 'Risposta', 'Note'],
    rows: (answers ?? []).map((answer): TableCell[] => [
      { text: String(answer.number), alignment: 'right' },
      { text: answer.question },
      { text: answer.answer ? 'Sì' : 'No', bold: answer.answer },
      { text: answer.notes || '—', style: answer.notes ? undefined : 'muted' },
    ]),
    empty: 'Check-list non caricata.',
  });
