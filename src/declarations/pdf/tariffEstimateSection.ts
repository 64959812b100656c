import type { Content, TableCell } from 'pdfmake/interfaces.js';
import { estimateCaveat, type TariffEstimateView } from '../tariffEstimateView.js';
import { right, titledTable } from './pdfBlocks.js';

/** «Stima della tariffa»: the terms with their formulas, the pollutants, what is missing. */
export function tariffEstimateSection(estimate: TariffEstimateView): Content[] {
  return [
    titledTable({
      title: 'Stima della tariffa (stima non vincolante)',
      caption:
        'Quota variabile QV calcolata dai dati dichiarati con i valori della campagna (ARERA TICSI).',
      widths: ['auto', '*', 'auto'],
      columns: ['Termine', 'Formula', 'Importo'],
      rows: [
        ...estimate.rows.map((row): TableCell[] => [
          { text: row.term },
          { text: row.formula },
          right(row.amount),
        ]),
        [{ text: 'Totale stimato', bold: true }, { text: 'QV' }, right(estimate.total, true)],
      ],
    }),
    titledTable({
      widths: ['*', 'auto', 'auto', 'auto'],
      columns: ['Inquinante', 'Concentrazione media', 'Riferimento', 'Quota × C / C_rif'],
      rows: estimate.pollutants.map((p): TableCell[] => [
        { text: p.name },
        right(p.concentration),
        right(p.reference),
        right(p.weight),
      ]),
    }),
    ...(estimate.missing ? [{ text: estimate.missing, style: 'muted', margin: [0, 0, 0, 2] }] : []),
    { text: estimateCaveat, style: 'muted', margin: [0, 0, 0, 8] },
  ] as Content[];
}
