import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';
import type { Schema } from '../db/schema.js';

export interface TransportMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
  /** Stable across retries, so a receiver can drop a message it already has. */
  messageId: string;
  /** The outbox row, for receivers that de-duplicate by it (the local mailbox). */
  outboxId?: string;
  /** The one-click link that stops this kind of mail, if it can be stopped. */
  unsubscribeUrl?: string;
}

export interface MailTransport {
  send(message: TransportMessage): Promise<void>;
}

const mailOptions = (message: TransportMessage) => ({
  from: message.from,
  to: message.to,
  subject: message.subject,
  text: message.text,
  html: message.html,
  attachments: message.attachments,
  messageId: message.messageId,
  // List-Unsubscribe, and List-Unsubscribe-Post so that a mail client stops it in one click.
  ...(message.unsubscribeUrl
    ? {
        list: { unsubscribe: message.unsubscribeUrl },
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      }
    : {}),
});

/** SMTP when SMTP_URL is set; otherwise the local mailbox, read at /dev/mailbox. */
export function createMailTransport(
  config: Pick<Config, 'SMTP_URL'>,
  db: Kysely<Schema>,
): MailTransport {
  return config.SMTP_URL ? smtpTransport(config.SMTP_URL) : localMailboxTransport(db);
}

export function smtpTransport(url: string): MailTransport {
  // A stuck server is given up within a minute (nodemailer waits up to 2 min to connect and 10 min
  // idle): the sender holds its batch while it waits, and OTP codes live 15 minutes.
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    async send(message) {
      await transporter.sendMail(mailOptions(message));
    },
  };
}

/** Builds the full RFC 822 message exactly as SMTP would carry it and keeps it in `mailbox`. */
export function localMailboxTransport(db: Kysely<Schema>): MailTransport {
  const composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  return {
    async send(message) {
      const info = await composer.sendMail(mailOptions(message));
      if (!Buffer.isBuffer(info.message)) throw new Error('streamTransport returned no buffer');
      await db
        .insertInto('mailbox')
        .values({
          outbox_id: message.outboxId ?? null,
          to_address: message.to,
          subject: message.subject,
          raw: info.message.toString('utf8'),
        })
        .onConflict((oc) => oc.column('outbox_id').doNothing())
        .execute();
    },
  };
}
