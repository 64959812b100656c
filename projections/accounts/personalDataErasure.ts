import { sql, type Transaction } from 'kysely';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import type { Schema } from '../../src/platform/db/schema.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';
import { erasedText } from '../../src/platform/personalData/sealedEventStore.js';
import { escapeHtml } from '../../src/platform/mail/mailContent.js';

/**
 * Carries out `PersonalDataErased`: destroys the person's data keys, so that the log reads
 * «[dato cancellato]» for every field sealed for them, and scrubs the read models that copied
 * those fields, here in one place: the account, its mail recipient, its invitations, the
 * signatory of its filings and the text of the mails the portal kept (found by the values the
 * read models hold now). A rebuild reads the placeholders from the log and comes to the same. Mail already delivered and the copies of
 * record as filed are outside it (see the privacy notice).
 */
export const personalDataErasure = (deps: { readonly store: EventStore }): Projection => ({
  name: 'personal_data_erasure',
  async apply(trx, events) {
    for (const event of events) {
      const accountId = accountStream.parse(event.streamId);
      if (event.type !== 'PersonalDataErased' || accountId === null) continue;
      const { subjects } = event.data as { subjects: string[] };
      // Read in this transaction (PGlite has one connection), before the rows are scrubbed.
      const values = await personalValues(trx, accountId, subjects);
      await deps.store.sealing?.erase(trx, subjects, new Date(event.metadata.occurredAt));
      await scrub(trx, accountId, values);
    }
  },
  // The keys are not a read model: a rebuild leaves destroyed keys destroyed.
  async reset() {},
});

/** The person's name, phone and addresses as the read models hold them. */
async function personalValues(
  trx: Transaction<Schema>,
  accountId: string,
  subjects: readonly string[],
): Promise<string[]> {
  const inviteIds = subjects.flatMap((subject) => subject.match(/^invite:(.+)$/)?.[1] ?? []);
  const [account, recipient, invitations] = await Promise.all([
    trx
      .selectFrom('accounts')
      .select(['full_name', 'email', 'phone'])
      .where('account_id', '=', accountId)
      .executeTakeFirst(),
    trx
      .selectFrom('mail_recipients')
      .select(['full_name', 'email'])
      .where('account_id', '=', accountId)
      .executeTakeFirst(),
    inviteIds.length === 0
      ? []
      : trx
          .selectFrom('member_invitations')
          .select(['full_name', 'email'])
          .where('invite_id', 'in', inviteIds)
          .execute(),
  ]);
  const values = [account, recipient, ...invitations].flatMap((row) =>
    row ? Object.values(row).filter((value): value is string => typeof value === 'string') : [],
  );
  return [...new Set(values)].filter((value) => value.length > 2 && value !== erasedText);
}

async function scrub(trx: Transaction<Schema>, accountId: string, values: string[]) {
  const erased = erasedText;
  await trx
    .updateTable('accounts')
    .set({ full_name: erased, email: erased, phone: erased })
    .where('account_id', '=', accountId)
    .execute();
  await trx
    .updateTable('mail_recipients')
    .set({ full_name: erased, email: erased })
    .where('account_id', '=', accountId)
    .execute();
  if (values.length === 0) return;
  await trx
    .updateTable('member_invitations')
    .set({ full_name: erased, email: erased })
    .where((eb) => eb.or([eb('email', 'in', values), eb('full_name', 'in', values)]))
    .execute();
  await trx
    .updateTable('declarations')
    .set({ signatory_name: erased })
    .where('signatory_name', 'in', values)
    .where(sql<boolean>`${accountId} = any(filed_by) or submitted_by = ${accountId}`)
    .execute();
  // The longest first, so that a name is not half replaced through a shorter value inside it.
  for (const value of values.sort((a, b) => b.length - a.length)) {
    const escaped = escapeHtml(value);
    await sql`
      update mail_outbox set
        to_address = case when to_address = ${value} then ${erased} else to_address end,
        subject = replace(subject, ${value}, ${erased}),
        text_body = replace(text_body, ${value}, ${erased}),
        html_body = replace(replace(html_body, ${value}, ${erased}), ${escaped}, ${erased})
      where to_address = ${value} or strpos(subject || text_body || html_body, ${value}) > 0
        or strpos(html_body, ${escaped}) > 0`.execute(trx);
    await sql`
      update mailbox set
        to_address = case when to_address = ${value} then ${erased} else to_address end,
        subject = replace(subject, ${value}, ${erased}),
        raw = replace(raw, ${value}, ${erased})
      where to_address = ${value} or strpos(subject || raw, ${value}) > 0`.execute(trx);
  }
}
