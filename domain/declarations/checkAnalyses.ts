import type { CampaignSettings, ParameterLimit } from '../campaigns/campaignSettings.js';
import { effectiveLimits, type LimitOverride } from '../campaigns/contractLimits.js';
import type { AnalysesFigures, AnalysisResult, WorkbookIssue } from './declarationFigures.js';
import {
  issueMaker,
  nowhere,
  num,
  type FigureRef,
  type IssueOf,
  type LocateFigure,
} from './figureIssues.js';

/**
 * The rules over the analyses: each result must be of a known parameter, in its unit, non-negative,
 * sampled within the campaign's year, with laboratory and report number, once per date and
 * parameter. A value beyond the sewer limit is a warning: the utility follows it up, the declarant
 * can still submit. COD and suspended solids feed the tariff: their absence is a warning.
 */

type Ref = (field: keyof AnalysisResult) => FigureRef;

const unitKey = (unit: string) =>
  unit
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\s.]/g, '')
    .toLowerCase();

const dayMonthYear = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

const CORE_PARAMETERS = ['COD', 'SST'];
const VERIFY =
  'Verifica il valore sul rapporto di prova; se è corretto il gestore potrà chiedere chiarimenti o nuove analisi.';

/** A limit as checked: the campaign's, or the contract's own where the utility set one. */
type CheckedLimit = ParameterLimit & { readonly own: boolean };

function limitIssue(result: AnalysisResult, limit: CheckedLimit, ref: Ref, issue: IssueOf) {
  const what = `${limit.label}: ${num(result.value)} ${limit.unit}`;
  const sample = `campione del ${dayMonthYear(result.sampledOn)}`;
  const whose = limit.own ? ' fissato per il contratto' : '';
  if (limit.max !== null && result.value > limit.max) {
    const problem = `${what} supera il limite${whose} di ${num(limit.max)} ${limit.unit} (${sample}).`;
    return issue.warning('LimitExceeded', ref('value'), problem, VERIFY);
  }
  if (limit.min === null || result.value >= limit.min) return null;
  const range =
    limit.max === null ? `minimo ${num(limit.min)}` : `${num(limit.min)}–${num(limit.max)}`;
  const problem = `${what} è fuori dall'intervallo ammesso${limit.own ? ' per il contratto' : ''} (${range}) (${sample}).`;
  return issue.warning('OutsideRange', ref('value'), problem, VERIFY);
}

/** Laboratory, report, date and sign: what holds whatever the parameter. */
function recordIssues(result: AnalysisResult, year: number, ref: Ref, issue: IssueOf) {
  return [
    result.laboratory.trim() === ''
      ? issue.error(
          'LaboratoryMissing',
          ref('laboratory'),
          "Manca il laboratorio che ha eseguito l'analisi.",
          'Indica il laboratorio accreditato che ha firmato il rapporto di prova.',
        )
      : null,
    result.reportNumber.trim() === ''
      ? issue.error(
          'ReportNumberMissing',
          ref('reportNumber'),
          'Manca il numero del rapporto di prova.',
          'Indica il numero del rapporto di prova del laboratorio.',
        )
      : null,
    result.sampledOn.slice(0, 4) !== String(year)
      ? issue.error(
          'DateOutsideYear',
          ref('sampledOn'),
          `La data del prelievo (${dayMonthYear(result.sampledOn)}) non è nell'anno ${year}.`,
          `Indica una data tra 01/01/${year} e 31/12/${year}: valgono le analisi dell'anno dichiarato.`,
        )
      : null,
    result.value < 0
      ? issue.error(
          'NegativeValue',
          ref('value'),
          `Il valore (${num(result.value)}) è negativo.`,
          'Una concentrazione è zero o positiva: correggi il segno.',
        )
      : null,
  ].filter((item) => item !== null);
}

/** Known parameter, in its unit; then, for a sound result, the limit. */
function parameterIssue(
  result: AnalysisResult,
  limits: readonly CheckedLimit[],
  ref: Ref,
  issue: IssueOf,
) {
  const limit = limits.find((l) => l.parameter === result.parameter);
  if (!limit) {
    return issue.error(
      'UnknownParameter',
      ref('parameter'),
      `Il parametro «${result.parameter}» non è tra quelli previsti.`,
      "Scegli il parametro dall'elenco a discesa (foglio «Parametri»).",
    );
  }
  if (unitKey(result.unit) !== unitKey(limit.unit)) {
    return issue.error(
      'UnitMismatch',
      ref('unit'),
      `${limit.label} si misura in ${limit.unit}, non in «${result.unit}».`,
      `Riporta il valore in ${limit.unit}, convertendolo se il rapporto di prova usa un'altra unità.`,
    );
  }
  return result.value < 0 ? null : limitIssue(result, limit, ref, issue);
}

function duplicates(results: readonly AnalysisResult[], issue: IssueOf): WorkbookIssue[] {
  const seen = new Set<string>();
  return results.flatMap((result, index) => {
    const key = `${result.sampledOn}|${result.parameter}`;
    if (!seen.has(key)) {
      seen.add(key);
      return [];
    }
    return [
      issue.error(
        'DuplicateResult',
        { list: 'results', index, field: 'parameter' },
        `Il parametro «${result.parameter}» del ${dayMonthYear(result.sampledOn)} è indicato più di una volta.`,
        'Lascia una sola riga per parametro e data di prelievo.',
      ),
    ];
  });
}

function missingCore(figures: AnalysesFigures, settings: CampaignSettings, issue: IssueOf) {
  const whole: FigureRef = { list: 'results', index: null, field: 'parameter' };
  return CORE_PARAMETERS.filter(
    (parameter) =>
      settings.limits.some((l) => l.parameter === parameter) &&
      !figures.results.some((r) => r.parameter === parameter),
  ).map((parameter) =>
    issue.warning(
      'CoreParameterMissing',
      whole,
      `Mancano le analisi del parametro ${parameter}, che servono per la tariffa.`,
      `Se il laboratorio ha analizzato ${parameter}, aggiungi la riga corrispondente.`,
    ),
  );
}

/**
 * Errors and warnings of the analyses against the campaign's limits, or the contract's own where
 * the utility set them (contractLimits.ts): a warning then says the limit is the contract's.
 */
export function checkAnalyses(
  figures: AnalysesFigures,
  settings: CampaignSettings,
  locate: LocateFigure = nowhere,
  contractLimits: readonly LimitOverride[] = [],
): WorkbookIssue[] {
  const issue = issueMaker('analisi', locate);
  const limits: CheckedLimit[] = effectiveLimits(settings.limits, contractLimits).map((limit) => ({
    ...limit,
    own: contractLimits.some((o) => o.parameter === limit.parameter),
  }));
  if (figures.results.length === 0) {
    return [
      issue.error(
        'NoResults',
        { list: 'results', index: null, field: 'parameter' },
        'Il file delle analisi non contiene nessun risultato.',
        'Compila una riga per ogni parametro analizzato, oppure non caricare il file delle analisi.',
      ),
    ];
  }
  const perResult = figures.results.flatMap((result, index) => {
    const ref: Ref = (field) => ({ list: 'results', index, field });
    const parameter = parameterIssue(result, limits, ref, issue);
    return [...recordIssues(result, settings.year, ref, issue), ...(parameter ? [parameter] : [])];
  });
  return [
    ...perResult,
    ...duplicates(figures.results, issue),
    ...missingCore(figures, settings, issue),
  ];
}
