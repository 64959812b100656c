import { NO, YES } from './cellReader.js';
import {
  CHECKLIST_SHEET,
  checklistColumns as columns,
  checklistQuestions,
  questionRow,
} from './checklistLayout.js';
import type { TemplateContext } from './templateContext.js';
import {
  finish,
  headerCell,
  inputCell,
  instructionsSheet,
  listRule,
  newWorkbook,
  quotedList,
} from './templateStyle.js';

const INSTRUCTIONS = [
  'Rispondi «Sì» o «No» a ogni domanda del foglio «Check-list»; usa le note per precisare (per esempio quali sostanze o quale impianto).',
  'Le risposte aiutano il gestore a valutare i fattori di rischio dello scarico e a programmare i controlli.',
  'Non rinominare né eliminare i fogli: il portale riconosce il modello da un foglio nascosto.',
  'Salva in formato .xlsx e carica il file al passo «Caricamento check-list fattori di rischio».',
];

/** The risk-factor check-list of one contract and year. */
export async function checklistTemplate(ctx: TemplateContext): Promise<Buffer> {
  const workbook = await newWorkbook('checklist', ctx);
  await instructionsSheet(
    workbook,
    `Check-list fattori di rischio – ${ctx.companyName}, contratto ${ctx.contractNumber}, anno ${ctx.year}`,
    INSTRUCTIONS,
  );
  const sheet = workbook.addWorksheet(CHECKLIST_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  for (const column of Object.values(columns)) {
    sheet.getColumn(column.letter).width = column.width;
    headerCell(sheet.getCell(`${column.letter}1`), column.header);
  }
  const answerRule = listRule(quotedList([YES, NO]), columns.answer.header);
  checklistQuestions.forEach((question, index) => {
    const row = questionRow(index + 1);
    sheet.getCell(`${columns.number.letter}${row}`).value = index + 1;
    const text = sheet.getCell(`${columns.question.letter}${row}`);
    text.value = question;
    text.alignment = { wrapText: true, vertical: 'top' };
    const answer = sheet.getCell(`${columns.answer.letter}${row}`);
    inputCell(answer);
    answer.dataValidation = answerRule;
    answer.alignment = { horizontal: 'center', vertical: 'top' };
    inputCell(sheet.getCell(`${columns.notes.letter}${row}`));
    sheet.getCell(`${columns.notes.letter}${row}`).alignment = { wrapText: true, vertical: 'top' };
    sheet.getRow(row).height = 32;
  });
  return finish(workbook, 'checklist', ctx);
}
