import type { Worksheet } from 'exceljs';
import { maxRowTonnes } from '../../../domain/observatory/fileMonthlyFlow.js';
import type { FlowRow } from '../../../domain/observatory/flowEvents.js';
import { collectionMethods } from '../../../domain/observatory/reference/collectionMethods.js';
import { eerCodes, formatEer } from '../../../domain/observatory/reference/eerCodes.js';
import { treatmentOperations } from '../../../domain/observatory/reference/treatmentOperations.js';
import {
  headerCell,
  inputStyle,
  listRule,
  numberRule,
  titleCell,
  workbookBytes,
} from '../../declarations/workbooks/templateStyle.js';
import { moduleBeside, offThread } from '../../platform/documents/renderThread.js';
import { csvDocument } from '../../platform/http/csv.js';
import { fileHeaders } from './flowFile.js';
import { maxFileRows } from './flowFileCells.js';

/**
 * The month's file to fill: the form's six columns under their labels, prefilled with the rows the
 * month already holds (so a draft can be finished in a spreadsheet and imported again). The .xlsx
 * offers the lists of codes as drop-downs; the CSV is what Excel opens in Italy (';', BOM).
 */

const eerText = (code: string) => formatEer(code);
const tonnesText = (tonnes: number) => String(tonnes).replace('.', ',');

const rowCells = (row: FlowRow) => [
  eerText(row.eerCode),
  tonnesText(row.tonnes),
  row.collectionMethod,
  row.transporter,
  row.destinationPlant,
  row.operation,
];

export const flowTemplateCsv = (rows: readonly FlowRow[]): string =>
  csvDocument(fileHeaders, rows.map(rowCells));

const INSTRUCTIONS = [
  'Nel foglio «Flussi» scrivi una riga per ogni rifiuto raccolto nel mese; non cambiare le intestazioni della prima riga.',
  'Codice EER: uno dei codici del foglio «Elenchi», per esempio 20 03 01.',
  `Quantità (t): in tonnellate, maggiore di zero e al massimo ${maxRowTonnes.toLocaleString('it-IT')}, con al massimo 3 decimali (per esempio 12,345).`,
  `Modalità di raccolta: uno dei codici del foglio «Elenchi» (${collectionMethods.map((method) => method.code).join(', ')}).`,
  'Trasportatore e impianto di destinazione: i nomi, come nel modulo del portale.',
  'Operazione (R/D): il codice dell’operazione di recupero o smaltimento, da R1 a R13 o da D1 a D15.',
  `Scrivi i valori, non formule. Al massimo ${maxFileRows} righe; le righe con lo stesso codice EER, modalità, trasportatore, impianto e operazione vanno sommate in una.`,
  'Salva il file (.xlsx, oppure CSV UTF-8) e importalo dalla pagina del mese: il portale lo salva come bozza, da controllare e inviare.',
];

const columnWidths = [14, 14, 22, 32, 32, 18];

/** The lists the drop-downs read: codes in the first column of each pair, labels beside them. */
function listsSheet(sheet: Worksheet): { eer: string; methods: string; operations: string } {
  const lists = [
    ['Codice EER', 'Descrizione', eerCodes.map((c) => [eerText(c.code), c.description])],
    ['Modalità di raccolta', 'Descrizione', collectionMethods.map((m) => [m.code, m.label])],
    ['Operazione (R/D)', 'Descrizione', treatmentOperations.map((o) => [o.code, o.description])],
  ] as const;
  const ranges = lists.map(([code, description, entries], index) => {
    const first = 1 + index * 3;
    sheet.getColumn(first).width = 22;
    sheet.getColumn(first + 1).width = 60;
    headerCell(sheet.getCell(1, first), code);
    headerCell(sheet.getCell(1, first + 1), description);
    entries.forEach(([value, text], row) => {
      sheet.getCell(row + 2, first).value = value;
      sheet.getCell(row + 2, first + 1).value = text;
    });
    const letter = sheet.getColumn(first).letter;
    return `Elenchi!$${letter}$2:$${letter}$${entries.length + 1}`;
  });
  return { eer: ranges[0]!, methods: ranges[1]!, operations: ranges[2]! };
}

/** The workbook of flowTemplate, made on the render thread (src/platform/documents/renderThread.ts). */
export const flowTemplateXlsx = offThread<readonly FlowRow[]>(
  moduleBeside(import.meta.url, 'flowTemplates'),
  'flowTemplate',
);

export async function flowTemplate(rows: readonly FlowRow[]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Dichiara';
  workbook.title = 'Flussi mensili dei rifiuti urbani';
  const sheet = workbook.addWorksheet('Flussi', { views: [{ state: 'frozen', ySplit: 1 }] });
  const lists = listsSheet(workbook.addWorksheet('Elenchi'));
  const rules = [
    listRule(lists.eer, fileHeaders[0]!),
    numberRule(0.001, maxRowTonnes, 'Quantità in tonnellate, maggiore di zero.'),
    listRule(lists.methods, fileHeaders[2]!),
    null,
    null,
    listRule(lists.operations, fileHeaders[5]!),
  ];
  sheet.getRow(1).height = 32;
  fileHeaders.forEach((header, index) => {
    sheet.getColumn(index + 1).width = columnWidths[index]!;
    headerCell(sheet.getCell(1, index + 1), header);
  });
  const styles = { text: inputStyle(), tonnes: inputStyle('#,##0.000') };
  for (let row = 2; row <= maxFileRows + 1; row++) {
    const filled = rows[row - 2];
    rules.forEach((rule, index) => {
      const cell = sheet.getCell(row, index + 1);
      cell.style = index === 1 ? styles.tonnes : styles.text;
      if (rule) cell.dataValidation = rule;
      if (filled) cell.value = index === 1 ? filled.tonnes : rowCells(filled)[index]!;
    });
  }
  const instructions = workbook.addWorksheet('Istruzioni');
  instructions.getColumn(1).width = 110;
  titleCell(
    instructions.getCell('A1'),
    'Flussi mensili dei rifiuti urbani: come compilare il file',
  );
  INSTRUCTIONS.forEach((line, index) => {
    const cell = instructions.getCell(index + 3, 1);
    cell.value = line;
    cell.alignment = { wrapText: true, vertical: 'top' };
  });
  return workbookBytes(workbook);
}
