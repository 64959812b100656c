import type {
  ChecklistAnswer,
  WorkbookIssue,
} from '../../../domain/declarations/declarationFigures.js';
import { readChoice, readText, yesNo } from './cellReader.js';
import {
  CHECKLIST_SHEET,
  checklistColumns as columns,
  checklistQuestions,
  questionRow,
} from './checklistLayout.js';
import { inspectUpload, type UploadSource } from './inspectUpload.js';
import { hasErrors } from './issues.js';
import { sheetReader } from './tableRows.js';
import type { ExpectedWorkbook } from './templateContext.js';

export type { ChecklistAnswer };

export interface ChecklistReading {
  readonly answers: readonly ChecklistAnswer[] | null;
  readonly issues: readonly WorkbookIssue[];
}

/** Recognition, then an answer to every question (Sì/No); notes are optional. */
export async function readChecklist(
  upload: UploadSource,
  expected: ExpectedWorkbook,
): Promise<ChecklistReading> {
  const inspection = await inspectUpload(upload, expected);
  if (!inspection.workbook) return { answers: null, issues: inspection.issues };
  const issues: WorkbookIssue[] = [];
  const r = sheetReader(inspection.workbook, 'checklist', CHECKLIST_SHEET, issues);
  if (!r) return { answers: null, issues };
  const answers = checklistQuestions.map((question, index) => {
    const row = questionRow(index + 1);
    const field = `Risposta alla domanda ${index + 1}`;
    return {
      number: index + 1,
      question,
      answer: readChoice(r, `${columns.answer.letter}${row}`, field, yesNo, ['Sì', 'No']) ?? false,
      notes:
        readText(r, `${columns.notes.letter}${row}`, `Note alla domanda ${index + 1}`, false) ?? '',
    };
  });
  return { answers: hasErrors(issues) ? null : answers, issues };
}
