import { sql, type Transaction } from 'kysely';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import { auditLogOf, eventsTable } from '../audit/auditLog.js';
import type { Schema } from '../platform/db/schema.js';
import type { EventMetadata, EventStore, JsonObject } from '../platform/eventStore/eventStore.js';
import { escapeHtml } from '../platform/mail/mailContent.js';
import { erasedText } from '../platform/personalData/sealedEventStore.js';
import type { Projection } from '../platform/subscriptions/projection.js';

/**
 * Carries out `PersonalDataErased`: destroys the person's data keys, so that the log reads
 * «[dato cancellato]» for every field sealed for them, and scrubs what the read models copied of
 * those fields, here in one place: the account and its organisation's mail recipient, its
 * invitations, its organisation's declarations (signatory, versions, review), the reminders and
 * the text of the mails the portal kept. The values are every name, phone and address the
 * person's own stream ever held, opened before the keys go; each is replaced where it stands
 * whole (a JSON string, a column), and inside the mails' text. A rebuild reads the placeholders
 * from the log and comes to the same. Mail already delivered and the copies of record as filed
 * are outside it (see the privacy notice).
 */
export const personalDataErasure = (deps: { readonly store: EventStore }): Projection => ({
  name: 'personal_data_erasure',
  reactor: true,
  follows: (event) => event.type === 'PersonalDataErased' && accountStream.holds(event),
  async apply(trx, events) {
    for (const event of events) {
      const accountId = accountStream.parse(event.streamId);
      if (event.type !== 'PersonalDataErased' || accountId === null) continue;
      const { subjects } = event.data as { subjects: string[] };
      const values = await personalValues(trx, deps.store, accountId, subjects);
      await deps.store.sealing?.erase(trx, subjects, new Date(event.metadata.occurredAt));
      await scrub(trx, accountId, subjects, values);
    }
  },
  // The keys are not a read model: a rebuild leaves destroyed keys destroyed.
  tables: [],
  writesInto: ['accounts', 'member_invitations', 'declarations', 'reminders', 'mail_recipients'],
});

/**
 * The person's values in their account's stream, opened in this transaction (PGlite has one
 * connection) from the table the auditors read, which holds the log with either store.
 */
async function personalValues(
  trx: Transaction<Schema>,
  store: EventStore,
  accountId: string,
  subjects: readonly string[],
): Promise<string[]> {
  if (!store.sealing) return [];
  const { rows } = await sql<{ type: string; data: JsonObject; metadata: EventMetadata }>`
    select type, data, metadata from ${eventsTable(auditLogOf(store))}
    where stream_id = ${accountStream.id(accountId)}`.execute(trx);
  const opened = await store.sealing.reveal(
    rows.map((row) => ({ ...row, streamId: accountStream.id(accountId) })),
    trx,
  );
  const values = opened.flatMap((event) =>
    (event.opened ?? []).flatMap((field) => (subjects.includes(field.subject) ? field.value : [])),
  );
  return [...new Set(values)].filter((value) => value.length > 2 && value !== erasedText);
}

/** A JSON string holding exactly `value`, as PostgreSQL writes json text. */
const jsonString = (value: string) => JSON.stringify(value);

async function scrub(
  trx: Transaction<Schema>,
  accountId: string,
  subjects: readonly string[],
  values: readonly string[],
) {
  const erased = erasedText;
  const account = await trx
    .selectFrom('accounts')
    .select('organisation_id')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  const people = [...new Set([accountId, account?.organisation_id ?? accountId])];
  const inviteIds = subjects.flatMap((subject) => /^invite:(.+)$/.exec(subject)?.[1] ?? []);
  if (inviteIds.length > 0) {
    await trx
      .updateTable('member_invitations')
      .set({ full_name: erased, email: erased })
      .where('invite_id', 'in', inviteIds)
      .execute();
  }
  if (values.length === 0) return;
  const whole = (column: string) =>
    sql`case when ${sql.ref(column)} = any(${values}::text[]) then ${erased} else ${sql.ref(column)} end`;
  await sql`
    update accounts set full_name = ${whole('full_name')}, email = ${whole('email')},
      phone = ${whole('phone')}
    where account_id = any(${people}::text[])`.execute(trx);
  await sql`
    update mail_recipients set full_name = ${whole('full_name')}, email = ${whole('email')}
    where account_id = any(${people}::text[])`.execute(trx);
  await sql`
    update member_invitations set full_name = ${whole('full_name')}, email = ${whole('email')}
    where organisation_id = any(${people}::text[])`.execute(trx);
  await sql`
    update declarations set signatory_name = ${whole('signatory_name')},
      notification_email = ${whole('notification_email')}
    where submitted_by = any(${people}::text[]) or filed_by && ${people}::text[]`.execute(trx);
  for (const value of values) {
    const asJson = jsonString(value);
    await sql`
      update declarations set
        versions = replace(versions::text, ${asJson}, ${jsonString(erased)})::jsonb,
        review = replace(review::text, ${asJson}, ${jsonString(erased)})::jsonb
      where (submitted_by = any(${people}::text[]) or filed_by && ${people}::text[])
        and strpos(versions::text || coalesce(review::text, ''), ${asJson}) > 0`.execute(trx);
    await sql`
      update reminders set recipients = replace(recipients::text, ${asJson}, ${jsonString(erased)})::jsonb
      where strpos(recipients::text, ${asJson}) > 0`.execute(trx);
  }
  // The longest first, so that a name is not half replaced through a shorter value inside it.
  for (const value of [...values].sort((a, b) => b.length - a.length)) {
    const escaped = escapeHtml(value);
    // A mail still waiting for an address that is no more is not sent.
    await sql`
      update mail_outbox set
        status = case when to_address = ${value} and status = 'pending' then 'failed' else status end,
        last_error = case when to_address = ${value} and status = 'pending'
          then 'Destinatario cancellato' else last_error end,
        to_address = case when to_address = ${value} then ${erased} else to_address end,
        subject = replace(subject, ${value}, ${erased}),
        text_body = replace(text_body, ${value}, ${erased}),
        html_body = replace(replace(html_body, ${value}, ${erased}), ${escaped}, ${erased})
      where to_address = ${value} or strpos(subject || text_body, ${value}) > 0
        or strpos(html_body, ${escaped}) > 0`.execute(trx);
    await sql`
      update mailbox set
        to_address = case when to_address = ${value} then ${erased} else to_address end,
        subject = replace(subject, ${value}, ${erased}),
        raw = replace(raw, ${value}, ${erased})
      where to_address = ${value} or strpos(subject || raw, ${value}) > 0`.execute(trx);
  }
}
