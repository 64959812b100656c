import { z } from 'zod';
import type { CampaignSettings, TariffPollutant } from '../../domain/campaigns/campaignSettings.js';
import { campaignSettingsProblems } from '../../domain/campaigns/campaignSettingsRules.js';
import {
  defaultCampaignSettings,
  sewerLimits,
} from '../../domain/campaigns/defaultCampaignSettings.js';
import { compact, parseForm, type FieldErrors } from '../platform/http/forms.js';
import { line } from '../platform/http/text.js';
import {
  cellText,
  decimalText,
  limitRow,
  readBounds,
  reportErrors,
  toNumber,
  type LimitRow,
} from './limitRows.js';
import { reminderDaysText } from './reminderDays.js';

const decimal = (label: string) =>
  z
    .string({ error: `${label}: inserire un numero.` })
    .regex(decimalText, `${label}: inserire un numero.`)
    .transform(toNumber);

/**
 * "Apri campagna": year, deadline, template version, tolerances and the area's rates, read from
 * the text typedCampaignForm has already cleaned.
 */
const openCampaignSchema = z.object({
  anno: z.coerce
    .number({ error: "Inserire l'anno di riferimento." })
    .int("Inserire l'anno di riferimento.")
    .min(2000, 'Anno non valido.')
    .max(2100, 'Anno non valido.'),
  scadenza: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Inserire la scadenza (gg/mm/aaaa).'),
  versione: z.string().optional(),
  tf: decimal('Tf'),
  td: decimal('Td'),
  tdCap: decimal('Td_cap'),
  tolleranza: decimal('Tolleranza sui volumi'),
  tolleranzaAnnua: decimal("Tolleranza rispetto all'anno precedente").optional(),
  promemoria: reminderDaysText.optional(),
});

/** Where a problem of the settings shows in the form. */
const scalarFields: Record<string, string> = {
  templateVersion: 'versione',
  volumeTolerance: 'tolleranza',
  yearOnYearTolerance: 'tolleranzaAnnua',
  reminderDays: 'promemoria',
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

const pollutantRow = z.object({
  parametro: line(50).optional(),
  quota: cellText,
  riferimento: cellText,
});
type PollutantRow = z.infer<typeof pollutantRow>;

const blank = (row: PollutantRow) => !row.parametro && !row.quota && !row.riferimento;

function readPollutants(rows: readonly PollutantRow[], errors: FieldErrors) {
  const kept: { index: number; pollutant: TariffPollutant }[] = [];
  rows.forEach((row, index) => {
    if (blank(row)) return;
    const field = (name: string) => `inquinanti[${index}][${name}]`;
    const share = row.quota ?? '';
    const reference = row.riferimento ?? '';
    if (!decimalText.test(share)) errors[field('quota')] = 'Quota: inserire una percentuale.';
    if (!decimalText.test(reference))
      errors[field('riferimento')] = 'Concentrazione di riferimento: inserire un numero.';
    kept.push({
      index,
      pollutant: {
        parameter: row.parametro ?? '',
        share: toNumber(share) / 100,
        referenceConcentration: toNumber(reference),
      },
    });
  });
  return kept;
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

/** The form as typed: every input clean text (no control or bidi character), rows in lists. */
const typedCampaignForm = z.object({
  anno: cellText,
  scadenza: cellText,
  versione: line(50).optional(),
  tf: cellText,
  td: cellText,
  tdCap: cellText,
  tolleranza: cellText,
  tolleranzaAnnua: cellText,
  promemoria: line(100).optional(),
  inquinanti: z.array(pollutantRow.optional()).optional(),
  limiti: z.array(limitRow.optional()).optional(),
});
type TypedCampaignForm = z.infer<typeof typedCampaignForm>;

/** The settings the form describes (null if its scalars are unreadable); `errors` gets the rest. */
function readSettings(typed: TypedCampaignForm, errors: FieldErrors): CampaignSettings | null {
  const scalars = parseForm(openCampaignSchema, typed);
  if (!scalars.ok) Object.assign(errors, scalars.errors);
  // A post without the lists (an older form, a script) keeps the standard shares and Tabella 3.
  const pollutants = typed.inquinanti
    ? readPollutants(
        Array.from(typed.inquinanti, (row) => row ?? {}),
        errors,
      )
    : null;
  // Every parameter of Tabella 3 stays; the operator sets its minimum and maximum (empty: none).
  const limits = typed.limiti
    ? readBounds(sewerLimits, compact<LimitRow>(typed.limiti), errors).map(
        ({ limit, min, max }) => ({ ...limit, min, max }),
      )
    : null;
  if (!scalars.ok) return null;
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
    reminderDays: form.promemoria ?? defaults.reminderDays,
  };
  placeProblems(
    settings,
    pollutants?.map((p) => p.index) ?? defaults.tariff.pollutants.map((_, index) => index),
    errors,
  );
  return settings;
}

/**
 * The whole "Apri campagna" form: its text checked first, then the figures read all together so
 * that every wrong one is named at once.
 */
export const campaignFormSchema = typedCampaignForm.transform((typed, ctx) => {
  const errors: FieldErrors = {};
  const settings = readSettings(typed, errors);
  reportErrors(errors, ctx);
  return settings ?? z.NEVER;
});
