import { describe, expect, it } from 'vitest';
import { standardTariff } from '../../../domain/campaigns/defaultCampaignSettings.js';
import type { AnalysesFigures } from '../../../domain/declarations/declarationFigures.js';
import { estimateTariff } from '../../../domain/declarations/tariffEstimate.js';

/*
 * Hand-computed with the reference's 2022 example rates (reference/domain.md): Tf 0.211803 €/m³,
 * Td 0.097548 €/m³, shares 52/28/15/5 % of COD, SST, N, P against 160/80/10/1 mg/l.
 */

const analyses = (values: Record<string, number | number[]>): AnalysesFigures => ({
  results: Object.entries(values).flatMap(([parameter, value]) =>
    [value].flat().map((each, i) => ({
      sampledOn: `2025-0${i + 3}-15`,
      laboratory: 'Laboratorio Test',
      reportNumber: `RP-${parameter}-${i}`,
      parameter,
      unit: 'mg/l',
      value: each,
    })),
  ),
});
const atReference = { COD: 160, SST: 80, N: 10, P: 1 };

describe('the tariff estimate (ARERA TICSI, QV)', () => {
  it('is Tf + Td per m³ when every pollutant is at its reference: 10,000 m³ → 3,093.51 €', () => {
    const estimate = estimateTariff(standardTariff, 10_000, analyses(atReference));
    // 10,000 × 0.211803 = 2,118.03; 10,000 × 0.097548 × 1 = 975.48.
    expect(estimate.qualityFactor).toBeCloseTo(1, 12);
    expect(estimate.volumePart).toBe(2118.03);
    expect(estimate.qualityPart).toBe(975.48);
    expect(estimate.total).toBe(3093.51);
    expect(estimate.missing).toEqual([]);
  });

  it('is nothing for no volume discharged, analyses or not', () => {
    const estimate = estimateTariff(standardTariff, 0, analyses(atReference));
    expect(estimate).toMatchObject({ volumePart: 0, qualityPart: 0, total: 0, missing: [] });
  });

  it('weighs a pollutant at its sewer limit: COD 500 mg/l → factor 2.105, 4,171.42 €', () => {
    const estimate = estimateTariff(standardTariff, 10_000, analyses({ ...atReference, COD: 500 }));
    // 0.52 × 500/160 = 1.625; + 0.28 + 0.15 + 0.05 = 2.105.
    expect(estimate.qualityFactor).toBeCloseTo(2.105, 12);
    expect(estimate.pollutants[0]).toMatchObject({ parameter: 'COD', concentration: 500 });
    expect(estimate.pollutants[0]!.weight).toBeCloseTo(1.625, 12);
    // 10,000 × 0.097548 × 2.105 = 2,053.3854 → 2,053.39; + 2,118.03.
    expect(estimate.qualityPart).toBe(2053.39);
    expect(estimate.total).toBe(4171.42);
  });

  it('takes the mean of the year’s samples: COD 200 and 400 → 300 mg/l', () => {
    const estimate = estimateTariff(
      standardTariff,
      2_500,
      analyses({ ...atReference, COD: [200, 400] }),
    );
    expect(estimate.pollutants[0]).toMatchObject({ concentration: 300, samples: 2 });
    // 0.52 × 300/160 = 0.975; factor 1.455; 2,500 × 0.097548 = 243.87, × 1.455 = 354.83085;
    // 2,500 × 0.211803 = 529.5075.
    expect(estimate.qualityFactor).toBeCloseTo(1.455, 12);
    expect(estimate.qualityPart).toBe(354.83);
    expect(estimate.volumePart).toBe(529.51);
    expect(estimate.total).toBe(884.34);
  });

  it('without analyses gives the volume part alone and names every pollutant missing', () => {
    const estimate = estimateTariff(standardTariff, 10_000, null, (p) => `«${p}»`);
    expect(estimate.qualityFactor).toBeNull();
    expect(estimate.qualityPart).toBeNull();
    expect(estimate.total).toBe(2118.03);
    expect(estimate.missing).toEqual(['«COD»', '«SST»', '«N»', '«P»']);
  });

  it('with some pollutants analysed names only those missing, and ignores other units', () => {
    const some = analyses({ COD: 320, SST: 100 });
    const withGrams: AnalysesFigures = {
      results: [...some.results, { ...some.results[0]!, parameter: 'N', unit: 'g/m3', value: 9 }],
    };
    const estimate = estimateTariff(standardTariff, 10_000, withGrams);
    expect(estimate.missing).toEqual(['N', 'P']);
    expect(estimate.pollutants.map((p) => p.concentration)).toEqual([320, 100, null, null]);
    expect(estimate.total).toBe(2118.03);
  });
});
