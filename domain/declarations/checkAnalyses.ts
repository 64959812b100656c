import type { CampaignSettings, ParameterLimit } from './campaignSettings.js';
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
 * can still submit. COD and suspended solids are the analyses the tariff needs: missing is a warning.
 */

const unitKey = (unit: string) =>
  unit
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\s.]/g, '')
    .toLowerCase();

const dayMonthYear = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

const CORE_PARAMETERS = ['COD', 'SST'];

function checkLimit(
  result: AnalysisResult,
  limit: ParameterLimit,
  ref: FigureRef,
  issue: IssueOf,
): WorkbookIssue[] {
  const what = `${limit.label}: ${num(result.value)} ${limit.unit}`;
  const sample = `campione del ${dayMonthYear(result.sampledOn)}`;
  if (limit.max !== null && result.value > limit.max) {
    return [
      issue(
        'warning',
        'LimitExceeded',
        ref,
        `${what} supera il limite di ${num(limit.max)} ${limit.unit} (${sample}).`,
        'Verifica il valore sul rapporto di prova; se è corretto il gestore potrà chiedere chiarimenti o nuove analisi.',
      ),
    ];
  }
  if (limit.min !== null && result.value < limit.min) {
    const range =
      limit.max === null ? `minimo ${num(limit.min)}` : `${num(limit.min)}–${num(limit.max)}`;
    return [
      issue(
        'warning',
        'OutsideRange',
        ref,
        `${what} è fuori dall'intervallo ammesso (${range}) (${sample}).`,
        'Verifica il valore sul rapporto di prova; se è corretto il gestore potrà chiedere chiarimenti o nuove analisi.',
      ),
    ];
  }
  return [];
}

function checkResult(
  result: AnalysisResult,
  index: number,
  settings: CampaignSettings,
  issue: IssueOf,
): WorkbookIssue[] {
  const ref = (field: keyof AnalysisResult): FigureRef => ({ list: 'results', index, field });
  const found: WorkbookIssue[] = [];
  if (result.laboratory.trim() === '') {
    found.push(
      issue(
        'error',
        'LaboratoryMissing',
        ref('laboratory'),
        "Manca il laboratorio che ha eseguito l'analisi.",
        'Indica il laboratorio accreditato che ha firmato il rapporto di prova.',
      ),
    );
  }
  if (result.reportNumber.trim() === '') {
    found.push(
      issue(
        'error',
        'ReportNumberMissing',
        ref('reportNumber'),
        'Manca il numero del rapporto di prova.',
        'Indica il numero del rapporto di prova del laboratorio.',
      ),
    );
  }
  if (result.sampledOn.slice(0, 4) !== String(settings.year)) {
    found.push(
      issue(
        'error',
        'DateOutsideYear',
        ref('sampledOn'),
        `La data del prelievo (${dayMonthYear(result.sampledOn)}) non è nell'anno ${settings.year}.`,
        `Indica una data tra 01/01/${settings.year} e 31/12/${settings.year}: valgono le analisi dell'anno dichiarato.`,
      ),
    );
  }
  if (result.value < 0) {
    found.push(
      issue(
        'error',
        'NegativeValue',
        ref('value'),
        `Il valore (${num(result.value)}) è negativo.`,
        'Una concentrazione è zero o positiva: correggi il segno.',
      ),
    );
  }
  const limit = settings.limits.find((l) => l.parameter === result.parameter);
  if (!limit) {
    found.push(
      issue(
        'error',
        'UnknownParameter',
        ref('parameter'),
        `Il parametro «${result.parameter}» non è tra quelli previsti.`,
        "Scegli il parametro dall'elenco a discesa (foglio «Parametri»).",
      ),
    );
    return found;
  }
  if (unitKey(result.unit) !== unitKey(limit.unit)) {
    found.push(
      issue(
        'error',
        'UnitMismatch',
        ref('unit'),
        `${limit.label} si misura in ${limit.unit}, non in «${result.unit}».`,
        `Riporta il valore in ${limit.unit}, convertendolo se il rapporto di prova usa un'altra unità.`,
      ),
    );
    return found;
  }
  return found.length > 0 ? found : checkLimit(result, limit, ref('value'), issue);
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
      issue(
        'error',
        'DuplicateResult',
        { list: 'results', index, field: 'parameter' },
        `Il parametro «${result.parameter}» del ${dayMonthYear(result.sampledOn)} è indicato più di una volta.`,
        'Lascia una sola riga per parametro e data di prelievo.',
      ),
    ];
  });
}

/** Errors and warnings of the analyses against the campaign's limits. */
export function checkAnalyses(
  figures: AnalysesFigures,
  settings: CampaignSettings,
  locate: LocateFigure = nowhere,
): WorkbookIssue[] {
  const issue = issueMaker('analisi', locate);
  const whole: FigureRef = { list: 'results', index: null, field: 'parameter' };
  if (figures.results.length === 0) {
    return [
      issue(
        'error',
        'NoResults',
        whole,
        'Il file delle analisi non contiene nessun risultato.',
        'Compila una riga per ogni parametro analizzato, oppure non caricare il file delle analisi.',
      ),
    ];
  }
  const missingCore = CORE_PARAMETERS.filter(
    (parameter) =>
      settings.limits.some((l) => l.parameter === parameter) &&
      !figures.results.some((r) => r.parameter === parameter),
  ).map((parameter) =>
    issue(
      'warning',
      'CoreParameterMissing',
      whole,
      `Mancano le analisi del parametro ${parameter}, che servono per la tariffa.`,
      `Se il laboratorio ha analizzato ${parameter}, aggiungi la riga; altrimenti il gestore potrà applicare i valori di riferimento.`,
    ),
  );
  return [
    ...figures.results.flatMap((result, index) => checkResult(result, index, settings, issue)),
    ...duplicates(figures.results, issue),
    ...missingCore,
  ];
}
