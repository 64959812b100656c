import type { Workbook } from 'exceljs';
import type { TemplateContext } from './templateContext.js';
import { analysesForm, writeTexts, type CellTexts } from './cellForms.js';
import {
  analysesSheets as sheets,
  parameterChoice,
  parameterHeaders,
  resultColumns,
  templateResultRows,
} from './analysesLayout.js';
import {
  finish,
  headerCell,
  instructionsSheet,
  listRule,
  newWorkbook,
  protectWithoutPassword,
  numberRule,
  quotedList,
  tableSheet,
} from './templateStyle.js';

const instructions = (year: number) => [
  'Una riga per ogni parametro di ogni campione: data del prelievo, laboratorio, numero del rapporto di prova, parametro, unità di misura e valore.',
  `Valgono solo i campioni prelevati nel ${year}; servono almeno COD e solidi sospesi totali.`,
  "Scegli il parametro dall'elenco a discesa: il foglio «Parametri» riporta unità di misura e limiti allo scarico in fognatura.",
  "Riporta il valore nell'unità indicata per il parametro, senza simboli (per «< 5» scrivi 5 e segnalalo al gestore).",
  'Numeri con la virgola per i decimali (es. 12,5); date come gg/mm/aaaa.',
  'Carica anche il rapporto di prova del laboratorio: il file Excel e il rapporto vanno caricati insieme.',
  'Non rinominare né eliminare i fogli: il portale riconosce il modello da un foglio nascosto.',
];

async function parametersSheet(workbook: Workbook, ctx: TemplateContext): Promise<void> {
  const sheet = workbook.addWorksheet(sheets.parameters, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  parameterHeaders.forEach(([header, width], index) => {
    sheet.getColumn(index + 1).width = width;
    headerCell(sheet.getRow(1).getCell(index + 1), header);
  });
  ctx.limits.forEach((limit, index) => {
    sheet.getRow(index + 2).values = [
      parameterChoice(limit),
      limit.parameter,
      limit.label,
      limit.unit,
      limit.min ?? '',
      limit.max ?? '',
    ];
  });
  await protectWithoutPassword(sheet);
}

/**
 * The analyses template: results on one sheet, parameters and limits of the campaign on another;
 * with the results typed online (`values`), if any.
 */
export async function analysesTemplate(
  ctx: TemplateContext,
  values: CellTexts = new Map(),
): Promise<Buffer> {
  const workbook = await newWorkbook('analisi', ctx);
  await instructionsSheet(
    workbook,
    `Analisi chimiche dello scarico – anno ${ctx.year}`,
    instructions(ctx.year),
  );
  const lastParameter = ctx.limits.length + 1;
  const units = [...new Set(ctx.limits.map((limit) => limit.unit))];
  tableSheet(workbook, sheets.results, resultColumns, templateResultRows, (column) => {
    switch (column.key) {
      case 'parameter':
        return listRule(`'${sheets.parameters}'!$A$2:$A$${lastParameter}`, column.header);
      case 'unit':
        return listRule(quotedList(units), column.header);
      case 'value':
        return numberRule(0, 1e9, 'Scrivi un valore zero o positivo.');
      case 'sampledOn':
        return {
          type: 'date',
          operator: 'between',
          allowBlank: true,
          formulae: [new Date(Date.UTC(ctx.year, 0, 1)), new Date(Date.UTC(ctx.year, 11, 31))],
          showErrorMessage: true,
          errorStyle: 'stop',
          errorTitle: 'Data non ammessa',
          error: `Indica una data del ${ctx.year} (gg/mm/aaaa).`,
        };
      default:
        return null;
    }
  });
  await parametersSheet(workbook, ctx);
  writeTexts(workbook, analysesForm, values);
  return finish(workbook, 'analisi', ctx);
}
