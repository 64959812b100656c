import type { Kysely } from 'kysely';
import { flowReminderDays, flowRemindersDue } from '../../domain/reminders/flowReminders.js';
import { addDays, romeDay } from '../../domain/shared/italianDate.js';
import { monthLabel } from '../../domain/observatory/months.js';
import type { Reminder } from '../../domain/reminders/reminderEvents.js';
import {
  sentReminderKeys,
  sentReminders,
  stoppedSubjects,
} from '../../projections/reminders/reminders.js';
import type { Schema } from '../platform/db/schema.js';
import { municipalitiesForReminders } from './reminderInputs.js';
import { reminderKindLabels } from './reminderLabels.js';

/** The next day after `today` a waste-flow reminder goes out (the 1st, the 10th or the 16th). */
export function nextFlowReminderDay(today: string): string {
  let day = addDays(today, 1);
  while (!flowReminderDays.includes(Number(day.slice(8, 10)))) day = addDays(day, 1);
  return day;
}

/**
 * The admin's «Promemoria ai comuni»: who will be reminded on the next reminder day if nothing is
 * sent by then, and the latest reminders sent.
 */
export async function flowRemindersOverview(db: Kysely<Schema>, now: Date) {
  const day = nextFlowReminderDay(romeDay(now));
  const next = flowRemindersDue(
    day,
    await municipalitiesForReminders(db, day, await stoppedSubjects(db)),
    await sentReminderKeys(db, 'observatory:'),
  );
  const latest = await sentReminders(db, { area: 'observatory' }, 50);
  const labelled = <T extends Reminder>(list: T[]) =>
    list.map((reminder) => ({
      ...reminder,
      label: reminderKindLabels[reminder.about.kind],
      monthLabel: reminder.about.area === 'observatory' ? monthLabel(reminder.about.month) : '',
    }));
  return { day, next: labelled(next), latest: labelled(latest) };
}
