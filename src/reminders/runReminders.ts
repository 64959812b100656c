import type { FastifyBaseLogger } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { declarationRemindersDue } from '../../domain/reminders/declarationReminders.js';
import { flowRemindersDue } from '../../domain/reminders/flowReminders.js';
import {
  reminderDecider,
  reminderStream,
  type Reminder,
} from '../../domain/reminders/reminderEvents.js';
import { romeDay } from '../../domain/shared/italianDate.js';
import { sentReminderKeys, stoppedSubjects } from '../../projections/reminders/reminders.js';
import { systemContext } from '../accounts/staffAccounts.js';
import type { Clock } from '../deps.js';
import type { Schema } from '../platform/db/schema.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import {
  campaignsForReminders,
  contractsForReminders,
  municipalitiesForReminders,
} from './reminderInputs.js';

export interface ReminderDeps {
  readonly db: Kysely<Schema>;
  readonly store: EventStore;
  readonly clock: Clock;
  /** True once the read models have applied the log as it is now; false if they could not. */
  readonly readModelsReady?: () => Promise<boolean>;
}

/** Every reminder due on `day` (an ISO date in Italy) and not yet recorded, from the read models. */
export async function remindersDue(db: Kysely<Schema>, day: string): Promise<Reminder[]> {
  const stopped = await stoppedSubjects(db);
  const due: Reminder[] = [];
  for (const campaign of await campaignsForReminders(db, day)) {
    due.push(
      ...declarationRemindersDue(
        day,
        campaign,
        await contractsForReminders(db, campaign.year, stopped),
        await sentReminderKeys(db, `declarations:${campaign.year}:`),
      ),
    );
  }
  due.push(
    ...flowRemindersDue(
      day,
      await municipalitiesForReminders(db, day, stopped),
      await sentReminderKeys(db, 'observatory:'),
    ),
  );
  return due;
}

/**
 * Records each reminder due now as `ReminderSent` in the stream of its key; the reminder mails
 * reactor sends it. A key already recorded (by another process, or before a restart the read
 * model had not caught up with) records nothing: the stream exists, the decider says so.
 */
export async function runReminders(
  deps: ReminderDeps,
  options: { dryRun?: boolean } = {},
): Promise<Reminder[]> {
  // Views still catching up (a start, a rebuild) would show filed years as missing.
  if ((await deps.readModelsReady?.()) === false)
    throw new Error('The read models are behind the log: reminders wait for the next run');
  const now = deps.clock();
  const due = await remindersDue(deps.db, romeDay(now));
  if (options.dryRun) return due;
  const recorded: Reminder[] = [];
  for (const reminder of due) {
    const result = await handleCommand(
      deps.store,
      reminderDecider,
      reminderStream.id(reminder.key),
      { type: 'SendReminder', reminder },
      // A fresh id: a key found recorded (by another process) is then told apart by the
      // decider, which records nothing, from one recorded here.
      { ...systemContext(now), commandId: randomUUID() },
    );
    if (result.events.length > 0) recorded.push(reminder);
  }
  return recorded;
}

/** Hourly: a reminder's day is an Italian calendar day, so a wake-up an hour late is on time. */
const everyMs = 3_600_000;

/** Runs the reminders at start and every hour; a failed run is logged and tried next hour. */
export function startReminders(
  deps: ReminderDeps,
  logger: Pick<FastifyBaseLogger, 'info' | 'warn'>,
): { stop(): void } {
  const run = () =>
    runReminders(deps).then(
      (sent) => {
        if (sent.length > 0) logger.info({ reminders: sent.length }, 'Reminders recorded');
      },
      (error: unknown) => logger.warn({ err: error }, 'Reminders failed'),
    );
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
