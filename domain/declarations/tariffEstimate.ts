import type { TariffSettings } from '../campaigns/campaignSettings.js';
import type { AnalysesFigures } from './declarationFigures.js';

/*
 * The yearly charge for an industrial discharge estimated from what was declared (ARERA TICSI,
 * deliberation 665/2017, Allegato A; reference/domain.md): T = QF + QC + QV, with
 *   QV = V × [Tf + Td × Σ (share × C / C_ref)]
 * over the campaign's pollutants, C the mean of the year's analyses. QF (contract management,
 * metering, checks) and QC (the permit's capacity: authorised volume and concentrations) depend on
 * data the declaration does not hold: they are named as missing, never guessed. The estimate binds
 * no one: the utility's bill does.
 */

/** One pollutant of the quality factor: its share, reference and the year's mean concentration. */
export interface PollutantTerm {
  readonly parameter: string;
  readonly share: number;
  readonly referenceConcentration: number;
  /** Mean of the year's analyses in mg/l; null when none was declared. */
  readonly concentration: number | null;
  readonly samples: number;
  /** share × C / C_ref; null without a concentration. */
  readonly weight: number | null;
}

export interface TariffEstimate {
  /** Discharged volume, m³. */
  readonly volume: number;
  readonly tf: number;
  readonly td: number;
  /** V × Tf, €. */
  readonly volumePart: number;
  readonly pollutants: readonly PollutantTerm[];
  /** Σ share × C / C_ref; null while a pollutant has no analysis. */
  readonly qualityFactor: number | null;
  /** V × Td × quality factor, €; null while a pollutant has no analysis. */
  readonly qualityPart: number | null;
  /** The known terms, € (rounded to the cent). */
  readonly total: number;
  /** The pollutants with no analysis this year, by their label: QV's quality part waits for them. */
  readonly missing: readonly string[];
}

const cents = (euro: number) => Math.round(euro * 100) / 100;

/** The parameters of the analyses that count in mg/l (the analyses carry their own unit). */
const inMilligramsPerLitre = (unit: string) =>
  unit.trim().toLowerCase().replace(/\s/g, '') === 'mg/l';

function pollutantTerms(tariff: TariffSettings, analyses: AnalysesFigures | null): PollutantTerm[] {
  return tariff.pollutants.map((pollutant) => {
    const values = (analyses?.results ?? [])
      .filter((r) => r.parameter === pollutant.parameter && inMilligramsPerLitre(r.unit))
      .map((r) => r.value);
    const concentration =
      values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
    return {
      parameter: pollutant.parameter,
      share: pollutant.share,
      referenceConcentration: pollutant.referenceConcentration,
      concentration,
      samples: values.length,
      weight:
        concentration === null
          ? null
          : (pollutant.share * concentration) / pollutant.referenceConcentration,
    };
  });
}

/** The estimate for one contract's year from its discharged volume and its analyses. */
export function estimateTariff(
  tariff: TariffSettings,
  dischargedVolume: number,
  analyses: AnalysesFigures | null,
  labelOf: (parameter: string) => string = (parameter) => parameter,
): TariffEstimate {
  const pollutants = pollutantTerms(tariff, analyses);
  const unmeasured = pollutants.filter((p) => p.weight === null).map((p) => labelOf(p.parameter));
  const qualityFactor =
    unmeasured.length > 0 ? null : pollutants.reduce((sum, p) => sum + (p.weight ?? 0), 0);
  const volumePart = cents(dischargedVolume * tariff.tf);
  const qualityPart =
    qualityFactor === null ? null : cents(dischargedVolume * tariff.td * qualityFactor);
  return {
    volume: dischargedVolume,
    tf: tariff.tf,
    td: tariff.td,
    volumePart,
    pollutants,
    qualityFactor,
    qualityPart,
    total: cents(volumePart + (qualityPart ?? 0)),
    missing: unmeasured,
  };
}
