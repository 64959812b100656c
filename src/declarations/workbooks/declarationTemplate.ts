import type { Workbook, Worksheet } from 'exceljs';
import {
  declarationSheets as sheets,
  deductionCategoryLabels,
  deductionColumns,
  dischargeMeterColumns,
  sourceColumns,
  summaryFields as fields,
  templateRows,
  waterSourceKindLabels,
  type Column,
} from './declarationLayout.js';
import { NO, YES } from './cellReader.js';
import type { TemplateContext } from './templateContext.js';
import { declarationForm, writeTexts, type CellTexts } from './cellForms.js';
import {
  finish,
  inputCell,
  instructionsSheet,
  listRule,
  newWorkbook,
  NUMBER_FORMAT,
  numberRule,
  prefilledCell,
  protectWithoutPassword,
  quotedList,
  tableSheet,
  titleCell,
} from './templateStyle.js';

const INSTRUCTIONS = [
  'Compila solo le celle gialle; le celle grigie riportano i dati del contratto e non vanno modificate.',
  '«Fonti di approvvigionamento»: una riga per ogni contatore di prelievo (acquedotto, pozzo, derivazione), con le letture di inizio e fine anno e il volume prelevato in m³.',
  'Se un contatore ha superato il valore massimo ed è ripartito da zero, indica «Sì» in «Giro contatore» e scrivi il volume effettivamente prelevato.',
  '«Contatori scarico»: le letture dei misuratori allo scarico, se presenti.',
  "«Detrazioni»: i volumi prelevati che non finiscono in fognatura, per categoria, con la documentazione che li prova; per l'acqua smaltita come rifiuto liquido indica il codice EER.",
  '«Dichiarazione»: il volume scaricato in fognatura deve corrispondere al prelevato meno le detrazioni (entro la tolleranza della campagna); indica i giorni di produzione.',
  'Numeri: scrivi le cifre senza unità di misura, con la virgola per i decimali (es. 1234,5). Date: gg/mm/aaaa.',
  'Non rinominare né eliminare i fogli e non copiare i dati in un altro file: il portale riconosce il modello da un foglio nascosto.',
  'Salva in formato .xlsx e carica il file nel portale, al passo «Caricamento dichiarazione».',
];

async function summarySheet(workbook: Workbook, ctx: TemplateContext): Promise<void> {
  const sheet = workbook.addWorksheet(sheets.summary);
  sheet.getColumn('A').width = 42;
  sheet.getColumn('B').width = 48;
  titleCell(
    sheet.getCell('A1'),
    `Dichiarazione annuale degli scarichi industriali – anno ${ctx.year}`,
  );
  const label = (field: { cell: string; label: string }) => {
    const cell = sheet.getCell(field.cell.replace('B', 'A'));
    cell.value = field.label;
    cell.font = { bold: true };
  };
  const prefilled = [
    [fields.companyName, ctx.companyName],
    [fields.customerCode, ctx.customerCode],
    [fields.contractNumber, ctx.contractNumber],
    [fields.plantAddress, ctx.plantAddress],
    [fields.year, ctx.year],
  ] as const;
  for (const [field, value] of prefilled) {
    label(field);
    prefilledCell(sheet.getCell(field.cell), value);
  }
  titleCell(sheet.getCell('A9'), "Dati dell'anno");
  for (const field of [fields.dischargedVolume, fields.productionDays, fields.notes]) label(field);
  inputCell(sheet.getCell(fields.dischargedVolume.cell), NUMBER_FORMAT);
  sheet.getCell(fields.dischargedVolume.cell).dataValidation = numberRule(
    0,
    1e9,
    'Scrivi un volume in m³, zero o positivo.',
  );
  inputCell(sheet.getCell(fields.productionDays.cell), '0');
  sheet.getCell(fields.productionDays.cell).dataValidation = {
    ...numberRule(1, 366, 'I giorni di produzione vanno da 1 a 366.'),
    type: 'whole',
  };
  inputCell(sheet.getCell(fields.notes.cell));
  sheet.getCell(fields.notes.cell).alignment = { wrapText: true, vertical: 'top' };
  sheet.getRow(12).height = 60;
  totals(sheet);
  await protectWithoutPassword(sheet);
}

/** Running totals for the declarant's convenience; the portal recomputes them from the rows. */
function totals(sheet: Worksheet): void {
  const sum = (name: string, columns: readonly Column[]) => {
    const letter = columns.find((column) => column.key === 'volume')?.letter ?? 'A';
    return `SUM('${name}'!${letter}2:${letter}5000)`;
  };
  const rows = [
    ['Totale prelevato (m³)', sum(sheets.sources, sourceColumns)],
    ['Totale detrazioni (m³)', sum(sheets.deductions, deductionColumns)],
    ['Prelevato meno detrazioni (m³)', 'B15-B16'],
  ] as const;
  titleCell(sheet.getCell('A14'), 'Riepilogo (calcolato)');
  rows.forEach(([text, formula], index) => {
    sheet.getCell(`A${15 + index}`).value = text;
    const cell = sheet.getCell(`B${15 + index}`);
    cell.value = { formula, date1904: false };
    cell.numFmt = NUMBER_FORMAT;
  });
}

const yesNoRule = listRule(quotedList([YES, NO]), 'Giro contatore');

function meterValidation(column: Column) {
  if (column.key === 'rolledOver') return yesNoRule;
  if (column.key === 'kind')
    return listRule(quotedList(Object.values(waterSourceKindLabels)), column.header);
  if (column.input === 'number') return numberRule(0, 1e12, 'Scrivi un numero zero o positivo.');
  return null;
}

/**
 * The declaration template of one contract and year, prefilled with what the utility knows, and
 * with what the declarant typed online (`values`) in the yellow cells.
 */
export async function declarationTemplate(
  ctx: TemplateContext,
  values: CellTexts = new Map(),
): Promise<Buffer> {
  const workbook = await newWorkbook('dichiarazione', ctx);
  await instructionsSheet(
    workbook,
    `Dichiarazione degli scarichi industriali – anno ${ctx.year}`,
    INSTRUCTIONS,
  );
  await summarySheet(workbook, ctx);
  tableSheet(workbook, sheets.sources, sourceColumns, templateRows.sources, meterValidation);
  tableSheet(
    workbook,
    sheets.dischargeMeters,
    dischargeMeterColumns,
    templateRows.dischargeMeters,
    meterValidation,
  );
  tableSheet(workbook, sheets.deductions, deductionColumns, templateRows.deductions, (column) =>
    column.key === 'category'
      ? listRule(quotedList(Object.values(deductionCategoryLabels)), column.header)
      : column.input === 'number'
        ? numberRule(0, 1e9, 'Scrivi un volume in m³, zero o positivo.')
        : null,
  );
  writeTexts(workbook, declarationForm, values);
  return finish(workbook, 'dichiarazione', ctx);
}
