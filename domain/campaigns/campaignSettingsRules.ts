import type { CampaignSettings, ParameterLimit, TariffPollutant } from './campaignSettings.js';
import { num, pct } from '../declarations/figureIssues.js';

/**
 * What makes a campaign's figures usable: templates recognisable by their version, tolerances that
 * mean something, a tariff whose shares add up to the whole Td over parameters the analyses can
 * report, limits that are limits. The page and the CLI show every problem; the decider refuses the
 * first.
 */

export interface SettingsProblem {
  /** Where in the settings, e.g. ['tariff', 'pollutants', 2, 'share']. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const SHARE_SLACK = 0.0001;

function versionProblems(settings: CampaignSettings): SettingsProblem[] {
  const { templateVersion: version, year } = settings;
  if (/^\d{4}\.\d{1,3}$/.test(version) && version.startsWith(`${year}.`)) return [];
  return [
    {
      path: ['templateVersion'],
      message: `La versione dei modelli si scrive anno di riferimento, punto, numero (es. ${year}.1).`,
    },
  ];
}

function toleranceProblems(settings: CampaignSettings): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const { volumeTolerance, yearOnYearTolerance } = settings;
  if (!(volumeTolerance > 0 && volumeTolerance <= 0.5))
    problems.push({
      path: ['volumeTolerance'],
      message: 'La tolleranza sui volumi deve essere maggiore di 0% e al massimo 50%.',
    });
  if (!(yearOnYearTolerance > 0 && yearOnYearTolerance <= 10))
    problems.push({
      path: ['yearOnYearTolerance'],
      message:
        "La tolleranza rispetto all'anno precedente deve essere maggiore di 0% e al massimo 1000%.",
    });
  return problems;
}

function pollutantProblems(
  pollutants: readonly TariffPollutant[],
  limits: readonly ParameterLimit[],
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const at = (index: number, field: string, message: string) =>
    problems.push({ path: ['tariff', 'pollutants', index, field], message });
  pollutants.forEach((p, index) => {
    if (!limits.some((limit) => limit.parameter === p.parameter))
      at(index, 'parameter', `Il parametro «${p.parameter}» non è tra i parametri delle analisi.`);
    else if (pollutants.findIndex((other) => other.parameter === p.parameter) < index)
      at(index, 'parameter', `Il parametro «${p.parameter}» è indicato più di una volta.`);
    if (!(p.share > 0 && p.share <= 1))
      at(index, 'share', 'La quota deve essere maggiore di 0% e al massimo 100%.');
    if (!(p.referenceConcentration > 0))
      at(index, 'referenceConcentration', 'La concentrazione di riferimento deve essere positiva.');
  });
  const total = pollutants.reduce((sum, p) => sum + p.share, 0);
  if (pollutants.length === 0)
    problems.push({
      path: ['tariff', 'pollutants'],
      message: 'La formula tariffaria ha bisogno di almeno un inquinante (di solito COD e SST).',
    });
  else if (Math.abs(total - 1) > SHARE_SLACK)
    problems.push({
      path: ['tariff', 'pollutants'],
      message: `Le quote degli inquinanti sommano a ${pct(total)}: devono fare 100%.`,
    });
  return problems;
}

function limitProblems(limits: readonly ParameterLimit[]): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const at = (index: number, field: string, message: string) =>
    problems.push({ path: ['limits', index, field], message });
  limits.forEach((limit, index) => {
    if (!/^[A-Z0-9-]{1,20}$/.test(limit.parameter))
      at(
        index,
        'parameter',
        `«${limit.parameter}»: il codice del parametro va in maiuscolo, senza spazi.`,
      );
    else if (limits.findIndex((other) => other.parameter === limit.parameter) < index)
      at(index, 'parameter', `Il parametro ${limit.parameter} è indicato più di una volta.`);
    if (!limit.label.trim()) at(index, 'label', 'Manca il nome del parametro.');
    if (!limit.unit.trim()) at(index, 'unit', `Manca l'unità di misura di ${limit.label}.`);
    for (const field of ['min', 'max'] as const) {
      const value = limit[field];
      if (value !== null && !(Number.isFinite(value) && value >= 0))
        at(index, field, `${limit.label}: il limite deve essere un numero non negativo.`);
    }
    if (limit.min !== null && limit.max !== null && limit.min > limit.max)
      at(
        index,
        'min',
        `${limit.label}: il minimo (${num(limit.min)}) supera il massimo (${num(limit.max)}).`,
      );
  });
  if (limits.length === 0)
    problems.push({ path: ['limits'], message: 'Indicare i parametri delle analisi e i limiti.' });
  return problems;
}

function rateProblems(settings: CampaignSettings): SettingsProblem[] {
  const names = { tf: 'Tf', td: 'Td', tdCap: 'Td_cap' } as const;
  return (['tf', 'td', 'tdCap'] as const)
    .filter((rate) => !(Number.isFinite(settings.tariff[rate]) && settings.tariff[rate] > 0))
    .map((rate) => ({
      path: ['tariff', rate],
      message: `${names[rate]}: deve essere un numero maggiore di zero.`,
    }));
}

/** At most this many reminders before a deadline, none more than this many days ahead. */
export const maxReminders = 5;
export const maxReminderDays = 180;

export function reminderDaysProblems(days: readonly number[]): SettingsProblem[] {
  const path = ['reminderDays'];
  if (days.length > maxReminders)
    return [{ path, message: `Indicare al massimo ${maxReminders} promemoria.` }];
  if (days.some((d) => !(Number.isInteger(d) && d >= 1 && d <= maxReminderDays)))
    return [
      {
        path,
        message: `Ogni promemoria va da 1 a ${maxReminderDays} giorni prima della scadenza.`,
      },
    ];
  if (new Set(days).size < days.length)
    return [{ path, message: 'Lo stesso numero di giorni è indicato più di una volta.' }];
  return [];
}

export function campaignSettingsProblems(settings: CampaignSettings): SettingsProblem[] {
  return [
    ...versionProblems(settings),
    ...reminderDaysProblems(settings.reminderDays ?? []),
    ...toleranceProblems(settings),
    ...rateProblems(settings),
    ...pollutantProblems(settings.tariff.pollutants, settings.limits),
    ...limitProblems(settings.limits),
  ];
}
