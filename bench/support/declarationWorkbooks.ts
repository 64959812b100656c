import { sewerLimits } from '../../domain/campaigns/defaultCampaignSettings.js';
import { parameterChoice } from '../../src/declarations/workbooks/analysesLayout.js';
import type { Edits } from '../../test/declarations/workbooks/support/workbookFixtures.js';

/**
 * The typical declaration of the issue, as a declarant types it into the templates: 5 water
 * sources (one meter rolled over), 3 discharge meters, 4 deductions, and 20 analysis results.
 * The figures balance: withdrawn 23,867.75 − deducted 7,693.25 = discharged 16,174.5 m³.
 */

type Row = readonly Edits[string][string][];

const rows = (first: number, values: readonly Row[]) =>
  Object.fromEntries(
    values.flatMap((row, i) =>
      row.map((value, column) => [`${String.fromCharCode(65 + column)}${first + i}`, value]),
    ),
  );

export function typicalDeclarationEdits(customerCode: string): Edits {
  return {
    Dichiarazione: {
      B10: 16_174.5,
      B11: 231,
      B12: 'Produzione ridotta ad agosto per la manutenzione della caldaia; linea 2 ferma.',
    },
    'Fonti di approvvigionamento': rows(2, [
      ['Acquedotto', customerCode, 'AQ-001', 10_250, 22_730.5, 'No', 12_480.5],
      ['Acquedotto', customerCode, 'AQ-002', 3_100, 4_412, 'No', 1_312],
      ['Pozzo', 'AUT-PZ-2019/88', 'PZ-17', 98_500, 4_260, 'Sì', 5_760],
      ['Pozzo', 'AUT-PZ-2021/12', 'PZ-18', 500, 3_875.25, 'No', 3_375.25],
      ['Derivazione superficiale', 'DER-FC-2015/7', 'DV-03', 0, 940, 'No', 940],
    ]),
    'Contatori scarico': rows(2, [
      ['SC-101', 40_000, 52_718, 'No', 12_718],
      ['SC-102', 7_300, 9_950.75, 'No', 2_650.75],
      ['SC-103', 1_200, 2_005.75, 'No', 805.75],
    ]),
    Detrazioni: rows(2, [
      ['Incorporata nel prodotto', 2_150, 'Bilancio di massa 2025', null],
      ['Evaporata', 3_410.5, 'Relazione tecnica perito, ottobre 2025', null],
      ['Smaltita come rifiuto liquido', 1_245, 'Formulari FIR 2025 (38 formulari)', '16 10 02'],
      ['Raffreddamento a circuito chiuso', 887.75, 'Misuratore dedicato RC-1', null],
    ]),
  };
}

/** Twenty results of the year's samples, each at 40% of its limit (pH 7.2). */
export const typicalAnalysesEdits = (year: number): Edits => ({
  Analisi: rows(
    2,
    sewerLimits.slice(0, 20).map((limit) => [
      // Early in the year: a bench of the current year's campaign is never ahead of today.
      new Date(Date.UTC(year, 0, 2)),
      'Laboratorio Analisi Ambientali S.r.l.',
      'RP-2025/4471',
      parameterChoice(limit),
      limit.unit,
      limit.min !== null ? 7.2 : Math.round((limit.max ?? 10) * 400) / 1000,
    ]),
  ),
});
