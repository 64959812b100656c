import { z } from 'zod';
import type {
  CampaignSettings,
  ParameterLimit,
  TariffPollutant,
} from '../../domain/declarations/campaignSettings.js';
import { campaignSettingsProblems } from '../../domain/declarations/campaignSettingsRules.js';
import {
  defaultCampaignSettings,
  sewerLimits,
} from '../../domain/declarations/defaultCampaignSettings.js';
import { compact, nestFields, parseForm, type FieldErrors } from '../http/forms.js';

/** Decimals as the operators type them: a comma or a point, no thousands separator. */
const number = /^\d+([.,]\d+)?$/;
const toNumber = (text: string) => Number(text.replace(',', '.'));

const decimal = (label: string) =>
  z
    .string({ error: `${label}: inserire un numero.` })
    .trim()
    .regex(number, `${label}: inserire un numero.`)
    .transform(toNumber);

/** "Apri campagna": year, deadline, template version, tolerances and the area's rates. */
export const openCampaignSchema = z.object({
  anno: z.coerce
    .number({ error: "Inserire l'anno di riferimento." })
    .int("Inserire l'anno di riferimento.")
    .min(2000, 'Anno non valido.')
    .max(2100, 'Anno non valido.'),
  scadenza: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Inserire la scadenza (gg/mm/aaaa).'),
  versione: z.string({ error: 'Inserire la versione dei modelli.' }).trim().optional(),
  tf: decimal('Tf'),
  td: decimal('Td'),
  tdCap: decimal('Td_cap'),
  tolleranza: decimal('Tolleranza sui volumi'),
  tolleranzaAnnua: decimal("Tolleranza rispetto all'anno precedente").optional(),
});

/** The form shows decimals with a comma, as the operators type them. */
export const italian = (value: number | null): string =>
  value === null ? '' : String(value).replace('.', ',');

/** Where a problem of the settings shows in the form. */
const scalarFields: Record<string, string> = {
  templateVersion: 'versione',
  volumeTolerance: 'tolleranza',
  yearOnYearTolerance: 'tolleranzaAnnua',
  'tariff.tf': 'tf',
  'tariff.td': 'td',
  'tariff.tdCap': 'tdCap',
  'tariff.pollutants': 'inquinanti',
  limits: 'limiti',
};
const pollutantFields: Record<string, string> = {
  parameter: 'parametro',
  share: 'quota',
  referenceConcentration: 'riferimento',
};
const limitFields: Record<string, string> = { min: 'minimo', max: 'massimo' };

interface PollutantRow {
  parametro?: string;
  quota?: string;
  riferimento?: string;
}
interface LimitRow {
  parametro?: string;
  minimo?: string;
  massimo?: string;
}

/** The form's values for the defaults an operator starts from (rates, Tabella 3, ARERA shares). */
export function campaignFormValues(year: number) {
  const defaults = defaultCampaignSettings(year, `${year + 1}-01-31`);
  return {
    anno: String(year),
    scadenza: defaults.deadline,
    versione: defaults.templateVersion,
    tf: italian(defaults.tariff.tf),
    td: italian(defaults.tariff.td),
    tdCap: italian(defaults.tariff.tdCap),
    tolleranza: italian(defaults.volumeTolerance * 100),
    tolleranzaAnnua: italian(defaults.yearOnYearTolerance * 100),
    inquinanti: [
      ...defaults.tariff.pollutants.map((p) => ({
        parametro: p.parameter,
        quota: italian(Math.round(p.share * 10_000) / 100),
        riferimento: italian(p.referenceConcentration),
      })),
      // Room for the area's own pollutants (surfactants, metals, …).
      { parametro: '', quota: '', riferimento: '' },
      { parametro: '', quota: '', riferimento: '' },
    ],
    limiti: defaults.limits.map((limit) => ({
      parametro: limit.parameter,
      minimo: italian(limit.min),
      massimo: italian(limit.max),
    })),
  };
}

export type CampaignFormValues = ReturnType<typeof campaignFormValues>;

const blank = (row: PollutantRow) =>
  !row.parametro?.trim() && !row.quota?.trim() && !row.riferimento?.trim();

function readPollutants(rows: PollutantRow[], errors: FieldErrors) {
  const kept: { index: number; pollutant: TariffPollutant }[] = [];
  rows.forEach((row, index) => {
    if (blank(row)) return;
    const field = (name: string) => `inquinanti[${index}][${name}]`;
    const share = row.quota?.trim() ?? '';
    const reference = row.riferimento?.trim() ?? '';
    if (!number.test(share)) errors[field('quota')] = 'Quota: inserire una percentuale.';
    if (!number.test(reference))
      errors[field('riferimento')] = 'Concentrazione di riferimento: inserire un numero.';
    kept.push({
      index,
      pollutant: {
        parameter: row.parametro?.trim() ?? '',
        share: toNumber(share) / 100,
        referenceConcentration: toNumber(reference),
      },
    });
  });
  return kept;
}

/** Every parameter of Tabella 3 stays; the operator sets its minimum and maximum (empty: none). */
function readLimits(rows: LimitRow[], errors: FieldErrors): ParameterLimit[] {
  return sewerLimits.map((limit, index) => {
    const row = rows.find((r) => r.parametro === limit.parameter) ?? {};
    const bound = (name: 'minimo' | 'massimo') => {
      const text = row[name]?.trim() ?? '';
      if (text === '') return null;
      if (number.test(text)) return toNumber(text);
      errors[`limiti[${index}][${name}]`] = `${limit.label}: inserire un numero o lasciare vuoto.`;
      return null;
    };
    return { ...limit, min: bound('minimo'), max: bound('massimo') };
  });
}

/** Each problem of the settings, beside the input it is about. */
function placeProblems(
  settings: CampaignSettings,
  pollutantIndex: readonly number[],
  errors: FieldErrors,
) {
  for (const problem of campaignSettingsProblems(settings)) {
    const [head, second, third, fourth] = problem.path;
    let name = scalarFields[problem.path.join('.')];
    if (head === 'tariff' && second === 'pollutants' && typeof third === 'number')
      name = `inquinanti[${pollutantIndex[third]}][${pollutantFields[String(fourth)]}]`;
    if (head === 'limits' && typeof second === 'number')
      name = `limiti[${second}][${limitFields[String(third)] ?? 'massimo'}]`;
    errors[name ?? 'anno'] ??= problem.message;
  }
}

/** The whole form: the settings of the campaign, or every error keyed as its input is named. */
export function readCampaignForm(
  body: unknown,
): { ok: true; settings: CampaignSettings } | { ok: false; errors: FieldErrors } {
  const nested = nestFields(body) as Record<string, unknown> & {
    inquinanti?: (PollutantRow | undefined)[];
    limiti?: (LimitRow | undefined)[];
  };
  const scalars = parseForm(openCampaignSchema, nested);
  const errors: FieldErrors = scalars.ok ? {} : { ...scalars.errors };
  // A post without the lists (an older form, a script) keeps the standard shares and Tabella 3.
  const pollutants = Array.isArray(nested.inquinanti)
    ? readPollutants(
        Array.from(nested.inquinanti, (row) => row ?? {}),
        errors,
      )
    : null;
  const limits = Array.isArray(nested.limiti) ? readLimits(compact(nested.limiti), errors) : null;
  if (!scalars.ok) return { ok: false, errors };
  const form = scalars.data;
  const defaults = defaultCampaignSettings(form.anno, form.scadenza);
  const settings: CampaignSettings = {
    ...defaults,
    templateVersion: form.versione || defaults.templateVersion,
    tariff: {
      tf: form.tf,
      td: form.td,
      tdCap: form.tdCap,
      pollutants: pollutants?.map((p) => p.pollutant) ?? defaults.tariff.pollutants,
    },
    limits: limits ?? defaults.limits,
    volumeTolerance: form.tolleranza / 100,
    yearOnYearTolerance:
      form.tolleranzaAnnua === undefined
        ? defaults.yearOnYearTolerance
        : form.tolleranzaAnnua / 100,
  };
  placeProblems(
    settings,
    pollutants?.map((p) => p.index) ?? defaults.tariff.pollutants.map((_, index) => index),
    errors,
  );
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, settings };
}
