import { describe, expect, it } from 'vitest';
import type { DeclarationFigures } from '../../../domain/declarations/declarationFigures.js';
import {
  readAnalysesUpload,
  readChecklist,
  readChecklistUpload,
  readDeclarationUpload,
} from '../../../src/declarations/workbooks/index.js';
import { expected, filled, fixture, settings } from './support/workbookFixtures.js';

const declarationFigures: DeclarationFigures = {
  year: 2025,
  contractNumber: '0012345',
  customerCode: 'C-778899',
  companyName: 'Acme Ceramiche S.r.l.',
  plantAddress: 'Via dell’Industria 12, 40026 Imola (BO)',
  waterSources: [
    {
      kind: 'acquedotto',
      identifier: 'C-778899',
      meterSerial: 'AQ-1001',
      startReading: 12000,
      endReading: 15500,
      rolledOver: false,
      volume: 3500,
    },
    {
      kind: 'pozzo',
      identifier: 'AUT-BO-2019-77',
      meterSerial: 'PZ-2002',
      startReading: 800,
      endReading: 2300,
      rolledOver: false,
      volume: 1500,
    },
  ],
  dischargeMeters: [
    {
      meterSerial: 'SC-3003',
      startReading: 100,
      endReading: 4100,
      rolledOver: false,
      volume: 4000,
    },
  ],
  deductions: [
    {
      category: 'incorporata-nel-prodotto',
      volume: 600,
      evidence: 'Bilancio di massa 2025',
      wasteCode: null,
    },
    {
      category: 'smaltita-come-rifiuto-liquido',
      volume: 400,
      evidence: 'Formulari FIR 2025',
      wasteCode: '16 10 02',
    },
  ],
  dischargedVolume: 4000,
  productionDays: 230,
  notes: 'Nessuna variazione del ciclo produttivo.',
};

const sample = {
  sampledOn: '2025-10-15',
  laboratory: 'Laboratorio Analisi Emilia S.r.l.',
  reportNumber: 'RP-2025/1234',
};
const analysesResults = [
  { ...sample, parameter: 'COD', unit: 'mg/l', value: 320 },
  { ...sample, parameter: 'SST', unit: 'mg/l', value: 120 },
  { ...sample, parameter: 'PH', unit: 'unità pH', value: 7.2 },
  { ...sample, parameter: 'NH4', unit: 'mg/l', value: 18.5 },
];

describe('a declaration reads the same whoever saved it', () => {
  it.each([
    'declaration.exceljs.xlsx',
    'declaration.excel-style.xlsx',
    'declaration.inline-strings.xlsx',
    'declaration.libreoffice.xlsx',
  ])('%s', async (name) => {
    const result = await readDeclarationUpload(
      fixture(name),
      expected('dichiarazione'),
      settings,
      3900,
    );
    expect(result.issues).toEqual([]);
    expect(result.figures).toEqual(declarationFigures);
  });
});

describe('analyses read the same whoever saved them', () => {
  it.each(['analyses.exceljs.xlsx', 'analyses.excel-style-1904.xlsx', 'analyses.libreoffice.xlsx'])(
    '%s',
    async (name) => {
      const result = await readAnalysesUpload(fixture(name), expected('analisi'), settings);
      expect(result.issues).toEqual([]);
      expect(result.figures).toEqual({ results: analysesResults });
    },
  );
});

describe('the check-list', () => {
  it.each(['checklist.exceljs.xlsx', 'checklist.libreoffice.xlsx'])(
    '%s is recognised and answered',
    async (name) => {
      expect((await readChecklistUpload(fixture(name), expected('checklist'))).issues).toEqual([]);
      const { answers } = await readChecklist(fixture(name), expected('checklist'));
      expect(answers).toHaveLength(12);
      expect(answers?.[0]).toMatchObject({ number: 1, answer: true });
      expect(answers?.[1]).toMatchObject({ number: 2, answer: false });
    },
  );
});

describe('what a declarant may type', () => {
  it('accepts numbers as Italian or point-decimal text', async () => {
    const bytes = await filled('dichiarazione', {
      'Fonti di approvvigionamento': { D2: '12.000,0', E2: '15500', G2: '3500.0' },
      Dichiarazione: { B10: ' 4 000,00 ' },
    });
    const result = await readDeclarationUpload(bytes, expected('dichiarazione'), settings, null);
    expect(result.issues).toEqual([]);
    expect(result.figures?.waterSources[0]).toMatchObject({
      startReading: 12000,
      endReading: 15500,
      volume: 3500,
    });
    expect(result.figures?.dischargedVolume).toBe(4000);
  });

  it('accepts a meter that rolled over with the declared volume', async () => {
    // A six-digit meter: (999,999 + 1 − 999,000) + 2,500 = 3,500 m³.
    const bytes = await filled('dichiarazione', {
      'Fonti di approvvigionamento': { D2: 999000, E2: 2500, F2: 'sì', G2: 3500 },
    });
    const result = await readDeclarationUpload(bytes, expected('dichiarazione'), settings, null);
    expect(result.issues).toEqual([]);
    expect(result.figures?.waterSources[0]).toMatchObject({ rolledOver: true, volume: 3500 });
  });

  it('gives figures with warnings: a volume far from last year', async () => {
    const result = await readDeclarationUpload(
      fixture('declaration.exceljs.xlsx'),
      expected('dichiarazione'),
      settings,
      2000,
    );
    expect(result.figures).not.toBeNull();
    expect(result.issues).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'YearOnYearChange',
        sheet: 'Dichiarazione',
        cell: 'B10',
        problem:
          "Il volume scaricato (4000 m³) differisce del 100% da quello dell'anno precedente (2000 m³), oltre il ±50% atteso.",
      }),
    ]);
  });

  it('gives analyses with warnings: values beyond the sewer limits', async () => {
    const bytes = await filled('analisi', { Analisi: { F2: 620, F4: 4.8 } });
    const result = await readAnalysesUpload(bytes, expected('analisi'), settings);
    expect(result.figures?.results).toHaveLength(4);
    expect(result.issues.map((i) => [i.severity, i.code, i.cell, i.problem])).toEqual([
      [
        'warning',
        'LimitExceeded',
        'F2',
        'COD: 620 mg/l supera il limite di 500 mg/l (campione del 15/10/2025).',
      ],
      [
        'warning',
        'OutsideRange',
        'F4',
        "pH: 4,8 unità pH è fuori dall'intervallo ammesso (5,5–9,5) (campione del 15/10/2025).",
      ],
    ]);
  });
});
