import type { ParameterLimit, TariffSettings } from '../../domain/campaigns/campaignSettings.js';
import type { AnalysesFigures } from '../../domain/declarations/declarationFigures.js';
import { estimateTariff } from '../../domain/declarations/tariffEstimate.js';
import { formatEuro, formatNumber, formatRate, formatVolume } from './pdf/italianFormat.js';

/**
 * The tariff estimate as the validation page and the copy of record print it, in one wording:
 * each term with its formula and figure, the pollutants of the quality factor, what is missing.
 */
export interface TariffEstimateView {
  readonly rows: readonly {
    readonly term: string;
    readonly formula: string;
    readonly amount: string;
  }[];
  readonly pollutants: readonly {
    readonly name: string;
    readonly concentration: string;
    readonly reference: string;
    readonly weight: string;
  }[];
  readonly total: string;
  /** Which analyses are missing, null when the quality part is whole. */
  readonly missing: string | null;
}

export const estimateCaveat =
  'Stima non vincolante: l’importo dovuto è quello della fattura del gestore. Non comprende la quota fissa QF, stabilita dal gestore nel contratto, né la quota di capacità QC, che dipende dal volume e dalle concentrazioni autorizzati allo scarico.';

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

/** «Solidi sospesi totali (SST)»: the limit's label with its key, or the key alone. */
export function pollutantName(limits: readonly ParameterLimit[], parameter: string): string {
  const label = limits.find((limit) => limit.parameter === parameter)?.label;
  return label && label !== parameter ? `${label} (${parameter})` : parameter;
}

export function tariffEstimateView(
  tariff: TariffSettings,
  limits: readonly ParameterLimit[],
  dischargedVolume: number,
  analyses: AnalysesFigures | null,
): TariffEstimateView {
  const name = (parameter: string) => pollutantName(limits, parameter);
  const estimate = estimateTariff(tariff, dischargedVolume, analyses, name);
  const volume = formatVolume(estimate.volume);
  const factor =
    estimate.qualityFactor === null ? null : formatRate(round6(estimate.qualityFactor));
  return {
    rows: [
      {
        term: 'QV, parte di volume',
        formula: `V × Tf = ${volume} × ${formatRate(estimate.tf)} €/m³`,
        amount: formatEuro(estimate.volumePart),
      },
      {
        term: 'QV, parte di qualità',
        formula: factor
          ? `V × Td × Σ(quota × C / C_rif) = ${volume} × ${formatRate(estimate.td)} €/m³ × ${factor}`
          : 'V × Td × Σ(quota × C / C_rif): non calcolabile senza le analisi',
        amount: estimate.qualityPart === null ? '—' : formatEuro(estimate.qualityPart),
      },
    ],
    pollutants: estimate.pollutants.map((p) => ({
      name: name(p.parameter),
      concentration:
        p.concentration === null
          ? 'nessuna analisi'
          : `${formatNumber(round6(p.concentration))} mg/l${p.samples > 1 ? ` (media di ${p.samples} campioni)` : ''}`,
      reference: `${formatNumber(p.referenceConcentration)} mg/l`,
      weight:
        p.weight === null || p.concentration === null
          ? '—'
          : `${formatRate(p.share)} × ${formatNumber(round6(p.concentration))} / ${formatNumber(p.referenceConcentration)} = ${formatRate(round6(p.weight))}`,
    })),
    total: formatEuro(estimate.total),
    missing:
      estimate.missing.length === 0
        ? null
        : `Mancano le analisi dell’anno per ${estimate.missing.join(', ')}: la stima comprende solo la parte di volume di QV.`,
  };
}
