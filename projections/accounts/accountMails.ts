import type { Transaction } from 'kysely';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import { signInStream, unlockLinkHours } from '../../domain/accounts/signIns.js';
import type { AccountEvent } from '../../domain/accounts/accountEvents.js';
import type { Schema } from '../../src/platform/db/schema.js';
import type { RecordedEvent } from '../../src/platform/eventStore/eventStore.js';
import { enqueueMail } from '../../src/platform/mail/outbox.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';
import { accountMessage, unlockMessage, type Recipient } from './accountMessages.js';

/** Mails about events older than this are not sent: a new deployment does not mail the past. */
const staleAfterMs = 24 * 3_600_000;

/**
 * A reactor: turns account events into mails in the outbox, in the transaction that moves its
 * checkpoint. Each mail is keyed by its event id, so a rebuild or a replay never sends it twice.
 * It keeps its own table of recipients, so it never waits on another read model.
 */
export function accountMailsProjection(deps: {
  code: (challengeId: string) => string;
  token: (purpose: string, id: string) => string;
  firstAccessPassword: (accountId: string) => string;
  publicUrl: () => string;
  now: () => Date;
}): Projection {
  return {
    name: 'account_mails',
    reactor: true,
    follows: (event) =>
      accountStream.holds(event) || (signInStream.holds(event) && event.type === 'SignInThrottled'),
    async apply(trx, events) {
      const unlocks = events.flatMap((event) =>
        signInStream.holds(event) && event.type === 'SignInThrottled' && event.data.unlockMailed
          ? [event]
          : [],
      );
      const mine = events.filter(accountStream.holds);
      if (mine.length === 0 && unlocks.length === 0) return;
      const recipients = await loadRecipients(trx, [...mine, ...unlocks]);
      for (const event of mine) {
        const accountId = accountStream.parse(event.streamId)!;
        const before = recipients.get(accountId);
        const after = nextRecipient(before, event);
        if (after && after !== before) {
          recipients.set(accountId, after);
          await saveRecipient(trx, accountId, after);
        }
        const known = before ?? after;
        if (!known || isStale(event, deps.now())) continue;
        const links = {
          login: `${deps.publicUrl()}/accesso`,
          confirmEmail: (requestId: string) =>
            `${deps.publicUrl()}/profilo/conferma-email?account=${accountId}&richiesta=${requestId}` +
            `&token=${deps.token('email-change', requestId)}`,
          firstAccessPassword: () => deps.firstAccessPassword(accountId),
          invitation: (inviteId: string) =>
            `${deps.publicUrl()}/accesso/invito?organizzazione=${accountId}&invito=${inviteId}` +
            `&token=${deps.token('invite', inviteId)}`,
        };
        const to = addresseeOf(event, known);
        const content = accountMessage(event, to, links, deps.code);
        if (!content) continue;
        const mail = { key: `${event.metadata.eventId}:mail`, to: to.email, ...content };
        await enqueueMail(trx, mail, deps.now());
      }
      for (const recorded of unlocks) {
        const accountId = signInStream.parse(recorded.streamId)!;
        const known = recipients.get(accountId);
        // A link that would arrive dead is not sent (a lagging or rebuilt reactor).
        if (!known || isStale(recorded, deps.now(), unlockLinkHours * 3_600_000)) continue;
        const eventId = recorded.metadata.eventId;
        const link =
          `${deps.publicUrl()}/accesso/sblocco?account=${accountId}&evento=${eventId}` +
          `&token=${deps.token('unlock', eventId)}`;
        const content = unlockMessage(known, recorded.data.retryAfterSeconds, link);
        await enqueueMail(trx, { key: `${eventId}:mail`, to: known.email, ...content }, deps.now());
      }
    },
    tables: ['mail_recipients'],
  };
}

/** The recipient after an event: registration sets it, a confirmed change of address moves it. */
function nextRecipient(current: Recipient | undefined, event: AccountEvent): Recipient | undefined {
  switch (event.type) {
    case 'ReferentRegistered':
    case 'StaffAccountCreated':
      return { fullName: event.data.fullName, email: event.data.email };
    case 'CompanyInvited':
      return { fullName: event.data.companyName, email: event.data.pec };
    case 'MemberAccountCreated':
    case 'OrganisationContactChanged':
      return { fullName: event.data.fullName, email: event.data.email };
    case 'ReferentDetailsChanged':
      return current && { ...current, fullName: event.data.fullName };
    case 'EmailChanged':
      return current && { ...current, email: event.data.email };
    default:
      return current;
  }
}

/** Codes go where they were asked for; a change of address is confirmed at the new one and told to the old one. */
function addresseeOf(event: AccountEvent, recipient: Recipient): Recipient {
  switch (event.type) {
    case 'EmailOtpIssued':
      return { ...recipient, email: event.data.email };
    case 'EmailChangeRequested':
      return { ...recipient, email: event.data.newEmail };
    case 'EmailChanged':
      return { ...recipient, email: event.data.previousEmail };
    case 'MemberInvited':
      return { fullName: event.data.fullName, email: event.data.email };
    default:
      return recipient;
  }
}

const isStale = (event: RecordedEvent, now: Date, afterMs = staleAfterMs) =>
  now.getTime() - Date.parse(event.metadata.recordedAt) > afterMs;

async function loadRecipients(
  trx: Transaction<Schema>,
  events: readonly RecordedEvent[],
): Promise<Map<string, Recipient>> {
  const ids = [
    ...new Set(
      events.map(
        (event) => accountStream.parse(event.streamId) ?? signInStream.parse(event.streamId)!,
      ),
    ),
  ];
  const rows = await trx
    .selectFrom('mail_recipients')
    .selectAll()
    .where('account_id', 'in', ids)
    .execute();
  return new Map(
    rows.map((row) => [row.account_id, { fullName: row.full_name, email: row.email }]),
  );
}

async function saveRecipient(
  trx: Transaction<Schema>,
  accountId: string,
  recipient: Recipient,
): Promise<void> {
  await trx
    .insertInto('mail_recipients')
    .values({ account_id: accountId, full_name: recipient.fullName, email: recipient.email })
    .onConflict((oc) =>
      oc
        .column('account_id')
        .doUpdateSet({ full_name: recipient.fullName, email: recipient.email }),
    )
    .execute();
}
