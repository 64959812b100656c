import type { Content, TableCell } from 'pdfmake/interfaces.js';
import type {
  DeclarationFigures,
  DeductionCategory,
  MeterReading,
  WaterSourceKind,
} from '../../../domain/declarations/declarationFigures.js';
import { formatInteger, formatNumber, formatVolume } from './italianFormat.js';
import { facts, right, titledTable } from './pdfBlocks.js';

/** The declared figures (sources, meters, deductions, volumes) as tables of the copy of record. */

const sourceKindLabels: Record<WaterSourceKind, string> = {
  acquedotto: 'Acquedotto',
  pozzo: 'Pozzo',
  derivazione: 'Derivazione',
  altro: 'Altra fonte',
};

export const deductionLabels: Record<DeductionCategory, string> = {
  'incorporata-nel-prodotto': 'Acqua incorporata nel prodotto',
  evaporata: 'Acqua evaporata',
  'raffreddamento-circuito-chiuso': 'Raffreddamento a circuito chiuso',
  'smaltita-come-rifiuto-liquido': 'Smaltita come rifiuto liquido',
  'scaricata-altrove': 'Scaricata altrove (non in fognatura)',
};

const readingColumns = ['Contatore', 'Lettura inizio', 'Lettura fine', 'Giro', 'Volume'];

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

const readingCells = (meter: MeterReading): TableCell[] => [
  { text: meter.meterSerial },
  right(formatNumber(meter.startReading)),
  right(formatNumber(meter.endReading)),
  { text: meter.rolledOver ? 'sì' : 'no', alignment: 'center' },
  right(formatVolume(meter.volume)),
];

const totalRow = (label: string, columns: number, total: number, at: number): TableCell[] =>
  Array.from({ length: columns }, (_, index): TableCell => {
    if (index === 0) return { text: label, bold: true };
    return index === at ? right(formatVolume(total), true) : '';
  });

function waterSources({ waterSources: sources }: DeclarationFigures): Content[] {
  return [
    titledTable({
      title: 'Fonti di approvvigionamento idrico',
      widths: ['auto', '*', 'auto', 'auto', 'auto', 'auto', 'auto'],
      columns: ['Fonte', 'Identificativo', ...readingColumns],
      rows:
        sources.length === 0
          ? []
          : [
              ...sources.map((source): TableCell[] => [
                { text: sourceKindLabels[source.kind] },
                { text: source.identifier },
                ...readingCells(source),
              ]),
              totalRow('Totale prelevato', 7, sum(sources.map((source) => source.volume)), 6),
            ],
      empty: 'Nessuna fonte di approvvigionamento dichiarata.',
    }),
    {
      text: 'Giro: il contatore ha superato il valore massimo nel corso dell’anno.',
      style: 'small',
    },
  ];
}

const dischargeMeters = ({ dischargeMeters: meters }: DeclarationFigures): Content =>
  titledTable({
    title: 'Misuratori allo scarico',
    widths: ['*', 'auto', 'auto', 'auto', 'auto'],
    columns: readingColumns,
    rows: meters.map(readingCells),
    empty: 'Nessun misuratore allo scarico.',
  });

const deductions = ({ deductions: rows }: DeclarationFigures): Content =>
  titledTable({
    title: 'Detrazioni',
    widths: ['auto', 'auto', '*', 'auto'],
    columns: ['Categoria', 'Volume', 'Documentazione a prova', 'Codice EER'],
    rows:
      rows.length === 0
        ? []
        : [
            ...rows.map((deduction): TableCell[] => [
              { text: deductionLabels[deduction.category] },
              right(formatVolume(deduction.volume)),
              { text: deduction.evidence },
              { text: deduction.wasteCode ?? '—', alignment: 'center' },
            ]),
            totalRow('Totale detrazioni', 4, sum(rows.map((deduction) => deduction.volume)), 1),
          ],
    empty: 'Nessuna detrazione dichiarata.',
  });

function summary(figures: DeclarationFigures): Content {
  const notes = figures.notes.trim();
  return facts(
    'Volume scaricato e produzione',
    [
      [
        'Volume scaricato in fognatura',
        { text: formatVolume(figures.dischargedVolume), bold: true },
      ],
      [
        'Giorni di produzione nell’anno',
        { text: formatInteger(figures.productionDays), bold: true },
      ],
      ['Note del dichiarante', notes === '' ? { text: 'Nessuna nota.', style: 'muted' } : notes],
    ],
    180,
  );
}

export const figuresSections = (figures: DeclarationFigures): Content[] => [
  ...waterSources(figures),
  dischargeMeters(figures),
  deductions(figures),
  summary(figures),
];
