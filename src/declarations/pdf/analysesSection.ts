import type { Content, TableCell } from 'pdfmake/interfaces.js';
import type { ParameterLimit } from '../../../domain/campaigns/campaignSettings.js';
import type {
  AnalysesFigures,
  AnalysisResult,
} from '../../../domain/declarations/declarationFigures.js';
import { formatDate } from '../../../domain/shared/italianDate.js';
import { formatNumber } from './italianFormat.js';
import { right, titledTable } from './pdfBlocks.js';

export type LimitOutcome = 'within' | 'above' | 'no-limit' | 'other-unit';

/** Printed beside a value above its limit; the tests look for it. */
export const aboveLimitMarker = 'OLTRE IL LIMITE';

const normalUnit = (unit: string) => unit.trim().toLowerCase().replace(/\s+/g, '');

/** A value is compared with its limit only in the limit's own unit: converting is not our call. */
export function limitOutcome(
  result: AnalysisResult,
  limit: ParameterLimit | undefined,
): LimitOutcome {
  if (!limit || (limit.max === null && limit.min === null)) return 'no-limit';
  if (normalUnit(result.unit) !== normalUnit(limit.unit)) return 'other-unit';
  const above = limit.max !== null && result.value > limit.max;
  const below = limit.min !== null && result.value < limit.min;
  return above || below ? 'above' : 'within';
}

function limitText(limit: ParameterLimit | undefined): string {
  if (!limit || (limit.max === null && limit.min === null)) return '—';
  const unit = ` ${limit.unit}`;
  if (limit.min !== null && limit.max !== null)
    return `${formatNumber(limit.min)}–${formatNumber(limit.max)}${unit}`;
  if (limit.max !== null) return `max ${formatNumber(limit.max)}${unit}`;
  return `min ${formatNumber(limit.min ?? 0)}${unit}`;
}

// A function, not shared objects: pdfmake writes its layout into every cell it is given.
function outcomeCell(outcome: LimitOutcome): TableCell {
  switch (outcome) {
    case 'within':
      return { text: 'entro il limite' };
    case 'above':
      return { text: aboveLimitMarker, bold: true, color: '#a61919' };
    case 'no-limit':
      return { text: 'limite non previsto', style: 'muted' };
    case 'other-unit':
      return { text: 'da verificare (unità diversa dal limite)', style: 'muted' };
  }
}

/** Results grouped by laboratory report, in the order the declarant listed them. */
function byReport(results: readonly AnalysisResult[]): AnalysisResult[][] {
  const groups = new Map<string, AnalysisResult[]>();
  for (const result of results) {
    const key = JSON.stringify([result.laboratory, result.reportNumber, result.sampledOn]);
    const group = groups.get(key) ?? [];
    group.push(result);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function reportTable(
  title: string | undefined,
  results: readonly AnalysisResult[],
  limits: ReadonlyMap<string, ParameterLimit>,
): Content {
  const first = results[0];
  return titledTable({
    title,
    caption:
      first &&
      `${first.laboratory} · rapporto di prova n. ${first.reportNumber} · campione del ${formatDate(first.sampledOn)}`,
    widths: ['*', 'auto', 'auto', 'auto', 'auto'],
    columns: ['Parametro', 'Unità', 'Valore', 'Limite', 'Esito'],
    rows: results.map((result) => {
      const limit = limits.get(result.parameter);
      return [
        { text: limit?.label ?? result.parameter },
        { text: result.unit },
        right(formatNumber(result.value)),
        { text: limitText(limit) },
        outcomeCell(limitOutcome(result, limit)),
      ];
    }),
  });
}

export function analysesSection(
  analyses: AnalysesFigures | null,
  limits: readonly ParameterLimit[],
): Content[] {
  const title = 'Analisi chimiche';
  const results = analyses?.results ?? [];
  if (results.length === 0)
    return [
      titledTable({ title, widths: ['*'], rows: [], empty: 'Nessuna analisi chimica allegata.' }),
    ];
  const limitsByParameter = new Map(limits.map((limit) => [limit.parameter, limit]));
  const aboveCount = results.filter(
    (result) => limitOutcome(result, limitsByParameter.get(result.parameter)) === 'above',
  ).length;
  return [
    ...byReport(results).map((group, index) =>
      reportTable(index === 0 ? title : undefined, group, limitsByParameter),
    ),
    {
      text:
        aboveCount === 0
          ? 'Nessun valore oltre i limiti di scarico in fognatura della campagna.'
          : `${aboveCount} ${aboveCount === 1 ? 'valore è' : 'valori sono'} oltre i limiti di scarico in fognatura della campagna.`,
      style: 'small',
    },
  ];
}
