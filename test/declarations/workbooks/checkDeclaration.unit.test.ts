import { describe, expect, it } from 'vitest';
import { checkDeclaration } from '../../../domain/declarations/checkDeclaration.js';
import type {
  DeclarationFigures,
  WaterSource,
} from '../../../domain/declarations/declarationFigures.js';
import { settings } from './support/workbookFixtures.js';

const aqueduct: WaterSource = {
  kind: 'acquedotto',
  identifier: 'C-1',
  meterSerial: 'M1',
  startReading: 1000,
  endReading: 2000,
  rolledOver: false,
  volume: 1000,
};

const figures = (change: Partial<DeclarationFigures> = {}): DeclarationFigures => ({
  year: 2025,
  contractNumber: '1',
  customerCode: 'C-1',
  companyName: 'Ditta',
  plantAddress: 'Via Roma 1',
  waterSources: [aqueduct],
  dischargeMeters: [],
  deductions: [{ category: 'evaporata', volume: 100, evidence: 'Calcolo', wasteCode: null }],
  dischargedVolume: 900,
  productionDays: 200,
  notes: '',
  ...change,
});

const codes = (f: DeclarationFigures, previous: number | null = null) =>
  checkDeclaration(f, settings, previous).map((issue) => `${issue.severity}:${issue.code}`);

describe('checkDeclaration', () => {
  it('finds nothing wrong in consistent figures, and names no cell without a locator', () => {
    expect(checkDeclaration(figures(), settings, 900)).toEqual([]);
  });

  it('needs at least one water source', () => {
    expect(codes(figures({ waterSources: [], deductions: [], dischargedVolume: 0 }))).toEqual([
      'error:NoWaterSource',
    ]);
  });

  it('refuses an end reading below the start unless the meter rolled over', () => {
    const decreasing = { ...aqueduct, endReading: 900 };
    expect(codes(figures({ waterSources: [decreasing] }))).toEqual(['error:ReadingsDecreasing']);
    const rolled = { ...decreasing, startReading: 999_500, rolledOver: true, volume: 1400 };
    expect(codes(figures({ waterSources: [rolled], dischargedVolume: 1300 }))).toEqual([]);
  });

  it('refuses a roll-over volume below the end reading', () => {
    const rolled = {
      ...aqueduct,
      startReading: 999_500,
      endReading: 900,
      rolledOver: true,
      volume: 800,
    };
    expect(codes(figures({ waterSources: [rolled] }))).toEqual(['error:RollOverVolumeTooSmall']);
  });

  it('allows half a cubic metre between a row volume and its readings', () => {
    expect(codes(figures({ waterSources: [{ ...aqueduct, volume: 1000.5 }] }))).toEqual([]);
    expect(codes(figures({ waterSources: [{ ...aqueduct, volume: 1000.6 }] }))).toEqual([
      'error:VolumeMismatch',
    ]);
  });

  it('refuses negative readings and volumes', () => {
    expect(codes(figures({ waterSources: [{ ...aqueduct, startReading: -1 }] }))).toEqual([
      'error:NegativeValue',
    ]);
    expect(codes(figures({ dischargedVolume: -5 }))).toEqual(['error:NegativeValue']);
  });

  it('balances withdrawn − deductions against the discharged volume within the tolerance', () => {
    expect(codes(figures({ dischargedVolume: 945 }))).toEqual([]);
    const [issue] = checkDeclaration(figures({ dischargedVolume: 946 }), settings, null);
    expect(issue).toMatchObject({
      code: 'VolumeBalanceMismatch',
      problem:
        'Il volume scaricato (946 m³) non corrisponde al prelevato meno le detrazioni: 1000 − 100 = 900 m³, con una tolleranza del 5% (45 m³).',
    });
  });

  it('refuses deductions above the withdrawn volume', () => {
    const deductions = [
      { category: 'evaporata' as const, volume: 1200, evidence: 'x', wasteCode: null },
    ];
    expect(codes(figures({ deductions, dischargedVolume: 0 }))).toEqual([
      'error:DeductionsExceedWithdrawn',
    ]);
  });

  it('needs an EER code for liquid waste, and a well-formed one', () => {
    const waste = {
      category: 'smaltita-come-rifiuto-liquido' as const,
      volume: 100,
      evidence: 'FIR',
      wasteCode: null,
    };
    expect(codes(figures({ deductions: [waste] }))).toEqual(['error:WasteCodeMissing']);
    expect(codes(figures({ deductions: [{ ...waste, wasteCode: '16 10 01*' }] }))).toEqual([]);
    expect(codes(figures({ deductions: [{ ...waste, wasteCode: '1610' }] }))).toEqual([
      'error:WasteCodeInvalid',
    ]);
  });

  it('needs evidence for a deduction', () => {
    expect(
      codes(
        figures({
          deductions: [{ category: 'evaporata', volume: 100, evidence: ' ', wasteCode: null }],
        }),
      ),
    ).toEqual(['error:EvidenceMissing']);
  });

  it('keeps production days between 1 and 366', () => {
    expect(codes(figures({ productionDays: 0 }))).toEqual(['error:ProductionDaysOutOfRange']);
    expect(codes(figures({ productionDays: 367 }))).toEqual(['error:ProductionDaysOutOfRange']);
    expect(codes(figures({ productionDays: 366 }))).toEqual([]);
  });

  it('warns when the discharged volume moves more than the year-on-year tolerance', () => {
    expect(codes(figures(), 600)).toEqual([]);
    expect(codes(figures(), 590)).toEqual(['warning:YearOnYearChange']);
    expect(codes(figures(), null)).toEqual([]);
  });
});
