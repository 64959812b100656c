import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { createHash } from 'node:crypto';
import type { MailOutboxTable, Schema } from '../db/schema.js';
import type { TransportMessage } from './mailTransport.js';

export interface OutgoingMail {
  /** Idempotency key, e.g. derived from the id of the event that causes the mail. */
  key: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
  /** For a mail its recipient may stop: the link, sent as List-Unsubscribe (RFC 2369, 8058). */
  unsubscribeUrl?: string;
}

export const mailChannel = 'mail_outbox';

/**
 * Queues a mail for the MailSender. Pass the transaction that records the caller's own progress
 * (e.g. a projection checkpoint): the mail is then queued exactly when that progress commits, and
 * a replay of the cause finds the key taken and queues nothing.
 */
export async function enqueueMail(
  db: Kysely<Schema> | Transaction<Schema>,
  mail: OutgoingMail,
  now: Date,
): Promise<void> {
  const attachments = (mail.attachments ?? []).map((attachment) => ({
    filename: attachment.filename,
    contentType: attachment.contentType,
    contentBase64: attachment.content.toString('base64'),
  }));
  await db
    .insertInto('mail_outbox')
    .values({
      key: mail.key,
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      attachments: JSON.stringify(attachments),
      unsubscribe_url: mail.unsubscribeUrl ?? null,
      next_attempt_at: now,
      created_at: now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  // Delivered on commit, so the sender wakes only once the row is visible.
  await sql`select pg_notify(${mailChannel}, '')`.execute(db);
}

/** A stable Message-ID for an outbox key, in the domain of the sender address. */
export function messageIdFor(key: string, from: string): string {
  const domain = /@([^@\s>]+)>?\s*$/.exec(from)?.[1] ?? 'dichiara.local';
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${domain}>`;
}

/** The message an outbox row stands for; the same on every attempt. */
export function outboxMessage(row: Selectable<MailOutboxTable>, from: string): TransportMessage {
  return {
    from,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    attachments: row.attachments.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      content: Buffer.from(attachment.contentBase64, 'base64'),
    })),
    messageId: messageIdFor(row.key, from),
    outboxId: row.id,
    ...(row.unsubscribe_url ? { unsubscribeUrl: row.unsubscribe_url } : {}),
  };
}
