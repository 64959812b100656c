import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { CampaignSettings } from '../../domain/campaigns/campaignSettings.js';
import { campaignSettingsProblems } from '../../domain/campaigns/campaignSettingsRules.js';
import { defaultCampaignSettings } from '../../domain/campaigns/defaultCampaignSettings.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { systemContext } from '../accounts/staffAccounts.js';
import { openCampaign } from '../campaigns/openCampaign.js';
import { reminderDaysText } from '../campaigns/reminderDays.js';
import { limitsFileSchema, tariffFileSchema, withLimits } from '../campaigns/campaignFiles.js';
import type { Runtime } from '../runtime.js';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export const campaignsOpenUsage =
  'Uso: campaigns:open --year <anno> --deadline <AAAA-MM-GG> [--template-version <anno.n>] ' +
  '[--volume-tolerance <%>] [--year-on-year-tolerance <%>] [--reminder-days <30,7>] ' +
  '[--tariff-file <tariffa.json>] [--limits-file <limiti.json>]';

const options = {
  year: { type: 'string' },
  deadline: { type: 'string' },
  'template-version': { type: 'string' },
  'volume-tolerance': { type: 'string' },
  'year-on-year-tolerance': { type: 'string' },
  'reminder-days': { type: 'string' },
  'tariff-file': { type: 'string' },
  'limits-file': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

/** A JSON file checked by its schema; every problem as a line naming the file and the place. */
function readJson<T>(path: string, schema: z.ZodType<T>, problems: string[]): T | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`${path}: non è un file JSON leggibile (${(error as Error).message}).`);
    return null;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues)
    problems.push(
      `${path}${issue.path.length ? ` (${issue.path.join('.')})` : ''}: ${issue.message}`,
    );
  return null;
}

const percent = (text: string | undefined, name: string, problems: string[]) => {
  if (text === undefined) return undefined;
  const value = Number(text.replace(',', '.'));
  if (Number.isFinite(value)) return value / 100;
  problems.push(`--${name}: inserire una percentuale (es. 5).`);
  return undefined;
};

function reminderDays(text: string | undefined, problems: string[]) {
  if (text === undefined) return undefined;
  const parsed = reminderDaysText.safeParse(text);
  if (parsed.success) return parsed.data;
  problems.push(`--reminder-days: ${parsed.error.issues[0]?.message ?? ''}`);
  return undefined;
}

function settingsFrom(values: Values, year: number, deadline: string, problems: string[]) {
  const defaults = defaultCampaignSettings(year, deadline);
  const tariff = values['tariff-file']
    ? readJson(values['tariff-file'], tariffFileSchema, problems)
    : null;
  const limits = values['limits-file']
    ? readJson(values['limits-file'], limitsFileSchema, problems)
    : null;
  const settings: CampaignSettings = {
    ...defaults,
    templateVersion: values['template-version'] ?? defaults.templateVersion,
    tariff: tariff
      ? { ...tariff, pollutants: tariff.pollutants ?? defaults.tariff.pollutants }
      : defaults.tariff,
    limits: limits ? withLimits(defaults.limits, limits) : defaults.limits,
    volumeTolerance:
      percent(values['volume-tolerance'], 'volume-tolerance', problems) ?? defaults.volumeTolerance,
    yearOnYearTolerance:
      percent(values['year-on-year-tolerance'], 'year-on-year-tolerance', problems) ??
      defaults.yearOnYearTolerance,
    reminderDays: reminderDays(values['reminder-days'], problems) ?? defaults.reminderDays,
  };
  for (const problem of campaignSettingsProblems(settings))
    problems.push(`${problem.path.join('.')}: ${problem.message}`);
  return settings;
}

/**
 * campaigns:open --year 2026 --deadline 2027-01-31, with the template version, tolerances, the
 * area's tariff (JSON: tf, td, tdCap, pollutants) and limits (JSON: a list of parameters whose
 * minimum and maximum replace Tabella 3's, or new parameters with label and unit) if given.
 */
export async function campaignsOpen(
  runtime: Runtime,
  argv: readonly string[],
  out: (line: string) => void,
): Promise<number> {
  let values: Values;
  try {
    values = parseArgs({ args: [...argv], options }).values;
  } catch (error) {
    out(`${(error as Error).message}\n${campaignsOpenUsage}`);
    return 2;
  }
  const year = Number(values.year);
  const deadline = values.deadline ?? '';
  if (!Number.isInteger(year) || year < 2000 || year > 2100 || !isoDate.test(deadline)) {
    out(campaignsOpenUsage);
    return 2;
  }
  const problems: string[] = [];
  const settings = settingsFrom(values, year, deadline, problems);
  if (problems.length > 0) {
    for (const problem of problems) out(`Errore: ${problem}`);
    return 2;
  }
  const now = new Date();
  try {
    const context = { ...systemContext(now), commandId: randomUUID() };
    await openCampaign(runtime.eventStore, settings, context);
    out(
      `Aperta la campagna ${year}: scadenza ${deadline}, modelli versione ${settings.templateVersion}.`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    out(error.message);
    return 1;
  }
}
