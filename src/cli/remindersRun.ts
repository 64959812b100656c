import type { FastifyBaseLogger } from 'fastify';
import { parseArgs } from 'node:util';
import { ProjectionRunner } from '../platform/subscriptions/projectionRunner.js';
import { cliProjections } from './cliProjections.js';
import type { Reminder } from '../../domain/reminders/reminderEvents.js';
import { reminderKindLabels } from '../reminders/reminderLabels.js';
import { runReminders } from '../reminders/runReminders.js';
import type { Runtime } from '../runtime.js';

export const remindersRunUsage = 'Uso: reminders:run [--dry-run]';

/** What reminders are decided from; the portal may not be running to keep them current. */
const readModels = new Set([
  'accounts',
  'contracts',
  'campaigns',
  'declarations',
  'observatory_people',
  'waste_flows',
  'reminders',
]);

async function catchUp(
  runtime: Runtime,
  options: { logger: FastifyBaseLogger; utilityName: string },
): Promise<boolean> {
  const runner = new ProjectionRunner({
    db: runtime.database.db,
    store: runtime.eventStore,
    projections: cliProjections(runtime, options).filter((p) => readModels.has(p.name)),
    logger: options.logger,
  });
  await runner.start();
  try {
    return await runner.waitFor(await runtime.eventStore.headPosition(), 300_000);
  } finally {
    await runner.stop();
  }
}

const aboutLine = (reminder: Reminder): string => {
  const { about } = reminder;
  return about.area === 'declarations'
    ? `dichiarazione ${about.year}, contratto ${about.contractNumber} (${about.companyName}), ${reminderKindLabels[about.kind]}`
    : `flussi di ${about.month}, Comune di ${about.municipality}, ${reminderKindLabels[about.kind]}`;
};

/**
 * reminders:run — records the reminders due now, as the portal's hourly scheduler does (each
 * once, whoever runs it), from read models brought up to the log first; with --dry-run, only
 * lists them. The portal's reactor mails what was recorded.
 */
export async function remindersRun(
  runtime: Runtime,
  argv: readonly string[],
  options: { logger: FastifyBaseLogger; out: (line: string) => void; utilityName: string },
): Promise<number> {
  const { out } = options;
  let dryRun: boolean;
  try {
    dryRun =
      parseArgs({ args: [...argv], options: { 'dry-run': { type: 'boolean' } } }).values[
        'dry-run'
      ] ?? false;
  } catch (error) {
    out(`${(error as Error).message}\n${remindersRunUsage}`);
    return 2;
  }
  if (!(await catchUp(runtime, options))) {
    out('Le viste non hanno raggiunto il registro in tempo: nessun promemoria deciso, riprova.');
    return 1;
  }
  const reminders = await runReminders(
    { db: runtime.database.db, store: runtime.eventStore, clock: () => new Date() },
    { dryRun },
  );
  for (const reminder of reminders) {
    const to = reminder.recipients.map((r) => r.email).join(', ');
    out(`${dryRun ? 'DA INVIARE' : 'REGISTRATO'}: ${aboutLine(reminder)} → ${to}`);
  }
  out(
    dryRun
      ? `${reminders.length} promemoria da inviare (nulla è stato registrato).`
      : `${reminders.length} promemoria registrati: il portale li invia per posta.`,
  );
  return 0;
}
