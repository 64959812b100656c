import type { Content, TableCell } from 'pdfmake/interfaces.js';
import type {
  DeclarationFigures,
  DeductionCategory,
  MeterReading,
  WaterSourceKind,
} from '../../../domain/declarations/declarationFigures.js';
import { formatInteger, formatNumber, formatVolume } from './italianFormat.js';
import { facts, headerRow, none, right, section, table } from './pdfBlocks.js';

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

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const readingCells = (meter: MeterReading): TableCell[] => [
  { text: meter.meterSerial },
  right(formatNumber(meter.startReading)),
  right(formatNumber(meter.endReading)),
  { text: meter.rolledOver ? 'sì' : 'no', alignment: 'center' },
  right(formatVolume(meter.volume)),
];

function waterSources(figures: DeclarationFigures): Content[] {
  const { waterSources: sources } = figures;
  if (sources.length === 0) return [none('Nessuna fonte di approvvigionamento dichiarata.')];
  const total = formatVolume(sum(sources.map((source) => source.volume)));
  return [
    table(
      ['auto', '*', 'auto', 'auto', 'auto', 'auto', 'auto'],
      [
        headerRow(
          'Fonte',
          'Identificativo',
          'Contatore',
          'Lettura inizio',
          'Lettura fine',
          'Giro',
          'Volume',
        ),
        ...sources.map((source) => [
          { text: sourceKindLabels[source.kind] },
          { text: source.identifier },
          ...readingCells(source),
        ]),
        [
          { text: 'Totale prelevato', bold: true, colSpan: 6 },
          '',
          '',
          '',
          '',
          '',
          right(total, true),
        ],
      ],
    ),
    {
      text: 'Giro: il contatore ha superato il valore massimo nel corso dell’anno.',
      style: 'small',
    },
  ];
}

function dischargeMeters(figures: DeclarationFigures): Content[] {
  if (figures.dischargeMeters.length === 0) return [none('Nessun misuratore allo scarico.')];
  return [
    table(
      ['*', 'auto', 'auto', 'auto', 'auto'],
      [
        headerRow('Contatore', 'Lettura inizio', 'Lettura fine', 'Giro', 'Volume'),
        ...figures.dischargeMeters.map(readingCells),
      ],
    ),
  ];
}

function deductions(figures: DeclarationFigures): Content[] {
  if (figures.deductions.length === 0) return [none('Nessuna detrazione dichiarata.')];
  const total = formatVolume(sum(figures.deductions.map((deduction) => deduction.volume)));
  return [
    table(
      ['auto', 'auto', '*', 'auto'],
      [
        headerRow('Categoria', 'Volume', 'Documentazione a prova', 'Codice EER'),
        ...figures.deductions.map((deduction) => [
          { text: deductionLabels[deduction.category] },
          right(formatVolume(deduction.volume)),
          { text: deduction.evidence },
          { text: deduction.wasteCode ?? '—', alignment: 'center' as const },
        ]),
        [{ text: 'Totale detrazioni', bold: true }, right(total, true), '', ''],
      ],
    ),
  ];
}

function summary(figures: DeclarationFigures): Content {
  const notes = figures.notes.trim();
  return facts(
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

export function figuresSections(figures: DeclarationFigures): Content[] {
  return [
    ...section(
      'Fonti di approvvigionamento idrico',
      waterSources(figures),
      figures.waterSources.length + 2,
    ),
    ...section(
      'Misuratori allo scarico',
      dischargeMeters(figures),
      figures.dischargeMeters.length + 1,
    ),
    ...section('Detrazioni', deductions(figures), figures.deductions.length + 2),
    ...section('Volume scaricato e produzione', [summary(figures)]),
  ];
}
