import { describe, expect, it } from 'vitest';
import { checkAnalyses } from '../../../domain/declarations/checkAnalyses.js';
import type { AnalysisResult } from '../../../domain/declarations/declarationFigures.js';
import { settings } from './support/workbookFixtures.js';

const result = (change: Partial<AnalysisResult> = {}): AnalysisResult => ({
  sampledOn: '2025-10-15',
  laboratory: 'Lab',
  reportNumber: 'RP-1',
  parameter: 'COD',
  unit: 'mg/l',
  value: 300,
  ...change,
});
const sst = result({ parameter: 'SST', value: 80 });

const codes = (...results: AnalysisResult[]) =>
  checkAnalyses({ results }, settings).map((issue) => `${issue.severity}:${issue.code}`);

describe('checkAnalyses', () => {
  it('finds nothing wrong in valid results', () => {
    expect(codes(result(), sst)).toEqual([]);
  });

  it('needs at least one result', () => {
    expect(codes()).toEqual(['error:NoResults']);
  });

  it('knows only the parameters of the campaign', () => {
    expect(codes(result({ parameter: 'URANIO' }), sst)).toEqual([
      'error:UnknownParameter',
      'warning:CoreParameterMissing',
    ]);
  });

  it('wants each parameter in its unit (case and spaces aside)', () => {
    expect(codes(result({ unit: 'mg / L' }), sst)).toEqual([]);
    expect(codes(result({ unit: 'g/l' }), sst)).toEqual(['error:UnitMismatch']);
  });

  it('refuses negative values', () => {
    expect(codes(result({ value: -1 }), sst)).toEqual(['error:NegativeValue']);
  });

  it('wants samples of the campaign year', () => {
    expect(codes(result({ sampledOn: '2024-12-31' }), sst)).toEqual(['error:DateOutsideYear']);
  });

  it('needs laboratory and report number', () => {
    expect(codes(result({ laboratory: '', reportNumber: ' ' }), sst)).toEqual([
      'error:LaboratoryMissing',
      'error:ReportNumberMissing',
    ]);
  });

  it('refuses the same parameter twice on the same date', () => {
    expect(codes(result(), sst, result({ value: 310 }))).toEqual(['error:DuplicateResult']);
    expect(codes(result(), sst, result({ sampledOn: '2025-11-20' }))).toEqual([]);
  });

  it('warns about values beyond the limit or outside the pH range', () => {
    expect(codes(result({ value: 501 }), sst)).toEqual(['warning:LimitExceeded']);
    expect(codes(result(), sst, result({ parameter: 'PH', unit: 'unità pH', value: 9.6 }))).toEqual(
      ['warning:LimitExceeded'],
    );
    expect(codes(result(), sst, result({ parameter: 'PH', unit: 'unità pH', value: 5.4 }))).toEqual(
      ['warning:OutsideRange'],
    );
  });

  it('checks against the contract’s own limits where the utility set them, and says so', () => {
    const own = [{ parameter: 'COD', min: null, max: 250 }];
    const issues = checkAnalyses({ results: [result(), sst] }, settings, undefined, own);
    expect(issues.map((issue) => [issue.code, issue.problem])).toEqual([
      [
        'LimitExceeded',
        'COD: 300 mg/l supera il limite fissato per il contratto di 250 mg/l (campione del 15/10/2025).',
      ],
    ]);
    // A laxer limit of the contract: 600 mg/l of COD is within it, not within Tabella 3's 500.
    const laxer = [{ parameter: 'COD', min: null, max: 800 }];
    expect(codes(result({ value: 600 }), sst)).toEqual(['warning:LimitExceeded']);
    expect(
      checkAnalyses({ results: [result({ value: 600 }), sst] }, settings, undefined, laxer),
    ).toEqual([]);
    const ph = [{ parameter: 'PH', min: 6.5, max: null }];
    const acid = result({ parameter: 'PH', unit: 'unità pH', value: 6 });
    expect(
      checkAnalyses({ results: [result(), sst, acid] }, settings, undefined, ph).map(
        (i) => i.problem,
      ),
    ).toEqual([
      "pH: 6 unità pH è fuori dall'intervallo ammesso per il contratto (6,5–9,5) (campione del 15/10/2025).",
    ]);
  });

  it('warns when COD or suspended solids are missing', () => {
    expect(codes(result())).toEqual(['warning:CoreParameterMissing']);
  });
});
