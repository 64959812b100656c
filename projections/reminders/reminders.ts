import type { Kysely } from 'kysely';
import {
  reminderChoiceStream,
  reminderStream,
  type Reminder,
  type ReminderSubject,
} from '../../domain/reminders/reminderEvents.js';
import type { Schema } from '../../src/platform/db/schema.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';

/** The reminders sent, for the pages that show who was reminded, and each subject's choice. */
export const remindersProjection: Projection = {
  name: 'reminders',
  async apply(trx, events) {
    for (const event of events) {
      if (reminderStream.holds(event)) {
        const { about } = event.data;
        await trx
          .insertInto('reminders')
          .values({
            key: event.data.key,
            area: about.area,
            kind: about.kind,
            optional: event.data.optional,
            year: about.area === 'declarations' ? about.year : null,
            contract_number: about.area === 'declarations' ? about.contractNumber : null,
            istat_code: about.area === 'observatory' ? about.istatCode : null,
            month: about.area === 'observatory' ? about.month : null,
            recipients: JSON.stringify(event.data.recipients),
            about: JSON.stringify(about),
            sent_at: event.metadata.occurredAt,
            event_id: event.metadata.eventId,
          })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
      } else if (reminderChoiceStream.holds(event)) {
        const values = {
          subject: event.data.subject,
          stopped: event.type === 'OptionalRemindersStopped',
          via: event.data.via,
          changed_at: event.metadata.occurredAt,
        };
        await trx
          .insertInto('reminder_choices')
          .values(values)
          .onConflict((oc) => oc.column('subject').doUpdateSet(values))
          .execute();
      }
    }
  },
  tables: ['reminders', 'reminder_choices'],
};

export interface SentReminder extends Reminder {
  readonly sentAt: Date;
}

/** The keys already sent among those starting with `prefix` (a campaign's, a month's). */
export async function sentReminderKeys(db: Kysely<Schema>, prefix: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('reminders')
    .select('key')
    .where('key', 'like', `${prefix.replace(/[\\%_]/g, '\\$&')}%`)
    .execute();
  return new Set(rows.map((row) => row.key));
}

/** The subjects that stopped their optional reminders. */
export async function stoppedSubjects(db: Kysely<Schema>): Promise<Set<ReminderSubject>> {
  const rows = await db
    .selectFrom('reminder_choices')
    .select('subject')
    .where('stopped', '=', true)
    .execute();
  return new Set(rows.map((row) => row.subject));
}

export async function remindersStopped(
  db: Kysely<Schema>,
  subject: ReminderSubject,
): Promise<boolean> {
  const row = await db
    .selectFrom('reminder_choices')
    .select('stopped')
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row?.stopped ?? false;
}

/**
 * Reminders sent, newest first: a campaign's (the operator sees who was reminded and when), or
 * the observatory's latest.
 */
export async function sentReminders(
  db: Kysely<Schema>,
  about: { area: 'declarations'; year: number } | { area: 'observatory' },
  limit = 500,
): Promise<SentReminder[]> {
  let query = db.selectFrom('reminders').selectAll().where('area', '=', about.area);
  if (about.area === 'declarations') query = query.where('year', '=', about.year);
  const rows = await query.orderBy('sent_at', 'desc').limit(limit).execute();
  return rows.map((row) => ({
    key: row.key,
    optional: row.optional,
    recipients: row.recipients,
    about: row.about,
    sentAt: row.sent_at,
  }));
}
