import type { DeclarationFile } from '../../domain/declarations/declarationEvents.js';
import type { AnalysisResult } from '../../domain/declarations/declarationFigures.js';
import { sewerLimits } from '../../domain/campaigns/defaultCampaignSettings.js';
import { round, type Random } from './auditLogRandom.js';

/** The uploads and lab results of a declaration, and the one warning declarants most often see. */

const laboratories = [
  'Laboratorio Analisi Ambientali S.r.l.',
  'Chemilab Puglia S.r.l.',
  'Ecolab Sud S.n.c.',
  'Centro Analisi Levante S.r.l.',
];

export function analysesOf(
  random: Random,
  year: number,
  count: number,
): { results: AnalysisResult[] } {
  const sampledOn = `${year}-${String(random.int(3, 11)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
  const laboratory = random.pick(laboratories);
  const reportNumber = `RP-${year}/${random.int(100, 9_999)}`;
  const results = sewerLimits.slice(0, count).map((limit) => ({
    sampledOn,
    laboratory,
    reportNumber,
    parameter: limit.parameter,
    unit: limit.unit,
    value:
      limit.parameter === 'PH'
        ? round(random.around(7.3, 0.4, 5, 10), 1)
        : round((limit.max ?? 20) * random.around(0.35, 0.2, 0.01, 1.25), 3),
  }));
  return { results };
}

export function filesOf(
  random: Random,
  year: number,
  analyses: boolean,
  attachments: number,
): DeclarationFile[] {
  const file = (
    slot: DeclarationFile['slot'],
    filename: string,
    size: number,
    description: string | null = null,
  ) => ({
    slot,
    filename,
    contentType: filename.endsWith('.pdf')
      ? 'application/pdf'
      : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    size,
    sha256: random.hex(64),
    description,
  });
  return [
    file('dichiarazione', `dichiarazione-${year}.xlsx`, random.int(40_000, 60_000)),
    file('documento-identita', 'documento-identita.pdf', random.int(200_000, 2_000_000)),
    ...(analyses
      ? [
          file('analisi', `analisi-${year}.xlsx`, random.int(18_000, 30_000)),
          file(
            'rapporto-di-prova',
            `rapporto-di-prova-${year}.pdf`,
            random.int(300_000, 3_000_000),
          ),
        ]
      : []),
    file('checklist', `checklist-${year}.xlsx`, random.int(25_000, 35_000)),
    ...Array.from({ length: attachments }, (_, i) =>
      file(
        'allegato',
        `allegato-${i + 1}.pdf`,
        random.int(100_000, 6_000_000),
        'Foto delle letture dei contatori',
      ),
    ),
  ];
}

export const yearOnYearWarning = {
  severity: 'warning',
  code: 'DischargedVolumeYearOnYear',
  file: 'dichiarazione',
  sheet: 'Dichiarazione',
  cell: 'F42',
  field: 'Volume scaricato',
  problem: 'Il volume scaricato differisce di oltre il 50% da quello dell’anno precedente.',
  fix: 'Verificare le letture o spiegare la differenza nelle note.',
} as const;
