import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { defaultCampaignSettings } from '../../domain/declarations/defaultCampaignSettings.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { systemContext } from '../accounts/staffAccounts.js';
import { openCampaign } from '../declarations/openCampaign.js';
import type { Runtime } from '../runtime.js';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** campaigns:open --year 2026 --deadline 2027-01-31, with the default tariff and limits. */
export async function campaignsOpen(
  runtime: Runtime,
  argv: readonly string[],
  out: (line: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { year: { type: 'string' }, deadline: { type: 'string' } },
  });
  const year = Number(values.year);
  const deadline = values.deadline ?? '';
  if (!Number.isInteger(year) || year < 2000 || year > 2100 || !isoDate.test(deadline)) {
    out('Uso: campaigns:open --year <anno> --deadline <AAAA-MM-GG>');
    return 2;
  }
  const now = new Date();
  try {
    const context = { ...systemContext(now), commandId: randomUUID() };
    await openCampaign(runtime.eventStore, defaultCampaignSettings(year, deadline), context);
    out(`Aperta la campagna ${year}: scadenza ${deadline}, modelli versione ${year}.1.`);
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    out(error.message);
    return 1;
  }
}
