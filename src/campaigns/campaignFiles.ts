import { z } from 'zod';
import type { ParameterLimit } from '../../domain/campaigns/campaignSettings.js';
import { line } from '../platform/http/text.js';

/**
 * The JSON files `campaigns:open` takes: the area's tariff and its limits. Field names are those
 * of the campaign's settings (reference/domain.md: shares and references are per area and year).
 */

/** A parameter's code: written in the settings, then in every declaration's figures. */
const parameterCode = z
  .string({ error: 'parameter: serve il codice del parametro (es. COD).' })
  .pipe(line(50));

const positive = (name: string) =>
  z
    .number({ error: `${name}: serve un numero.` })
    .positive(`${name}: deve essere maggiore di zero.`);

/** { "tf": 0.21, "td": 0.097, "tdCap": 0.00021, "pollutants": [{ "parameter": "COD", "share": 0.52, "referenceConcentration": 160 }] } */
export const tariffFileSchema = z.object({
  tf: positive('tf'),
  td: positive('td'),
  tdCap: positive('tdCap'),
  pollutants: z
    .array(
      z.object({
        parameter: parameterCode,
        share: z.number({ error: 'share: serve la quota come frazione (0.52 per il 52%).' }),
        referenceConcentration: positive('referenceConcentration'),
      }),
    )
    .optional(),
});

const bound = z.number({ error: 'serve un numero, oppure null.' }).nullable().optional();

/** [{ "parameter": "COD", "max": 400 }, { "parameter": "TENSIOATTIVI-AN", "label": "…", "unit": "mg/l", "max": 2 }] */
export const limitsFileSchema = z.array(
  z.object({
    parameter: parameterCode,
    label: line(200).optional(),
    unit: line(20).optional(),
    min: bound,
    max: bound,
  }),
  { error: 'serve un elenco di parametri: [{ "parameter": "COD", "max": 500 }, …].' },
);

export type LimitsFile = z.infer<typeof limitsFileSchema>;

/** Tabella 3 with the file's changes: a known parameter takes the file's bounds, a new one joins. */
export function withLimits(
  defaults: readonly ParameterLimit[],
  entries: LimitsFile,
): ParameterLimit[] {
  const changed = defaults.map((limit) => {
    const entry = entries.find((e) => e.parameter === limit.parameter);
    if (!entry) return limit;
    return {
      ...limit,
      label: entry.label ?? limit.label,
      unit: entry.unit ?? limit.unit,
      min: entry.min === undefined ? limit.min : entry.min,
      max: entry.max === undefined ? limit.max : entry.max,
    };
  });
  const added = entries
    .filter((entry) => !defaults.some((limit) => limit.parameter === entry.parameter))
    .map((entry) => ({
      parameter: entry.parameter,
      label: entry.label ?? '',
      unit: entry.unit ?? '',
      min: entry.min ?? null,
      max: entry.max ?? null,
    }));
  return [...changed, ...added];
}
