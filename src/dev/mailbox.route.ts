import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DevDeps } from '../deps.js';
import { paramsOf } from '../platform/http/command.js';
import { contentDisposition } from '../platform/http/contentDisposition.js';

const dateTime = new Intl.DateTimeFormat('it-IT', {
  dateStyle: 'short',
  timeStyle: 'medium',
  timeZone: 'Europe/Rome',
});

// A row of the mailbox table (bigint): anything else names no message (404).
const messageParams = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/) });

/**
 * Only with the embedded default (no SMTP_URL: mail stays in the database), in development and
 * tests: the mailbox shows anyone every message, codes and links included.
 */
export const servesLocalMailbox = (config: DevDeps['config']): boolean =>
  !config.SMTP_URL && (config.NODE_ENV === 'development' || config.NODE_ENV === 'test');

/** The local mailbox of the embedded default: what would have gone out by SMTP. */
export function mailboxRoutes(
  app: FastifyInstance,
  deps: Pick<DevDeps, 'database' | 'config'>,
): void {
  const { db } = deps.database;
  const findMessage = (request: FastifyRequest) =>
    db
      .selectFrom('mailbox')
      .selectAll()
      .where('id', '=', paramsOf(messageParams, request).id)
      .executeTakeFirst();

  app.get('/dev/mailbox', async (_request, reply) => {
    const rows = await db
      .selectFrom('mailbox')
      .select(['id', 'to_address', 'subject', 'received_at'])
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    return reply.view('dev/mailbox', {
      title: 'Posta locale',
      from: deps.config.MAIL_FROM,
      messages: rows.map((row) => ({
        id: row.id,
        to: row.to_address,
        subject: row.subject,
        receivedAt: dateTime.format(row.received_at),
      })),
    });
  });

  app.get('/dev/mailbox/:id', async (request, reply) => {
    const row = await findMessage(request);
    if (!row) return reply.callNotFound();
    // mailparser is a development dependency, like this mailbox: loaded only when it is served,
    // so a production install without it (npm ci --omit=dev) still starts.
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(row.raw);
    return reply.view('dev/message', {
      title: row.subject || 'Messaggio',
      id: row.id,
      from: parsed.from?.text ?? '',
      to: row.to_address,
      subject: row.subject,
      receivedAt: dateTime.format(row.received_at),
      text: parsed.text ?? '',
      attachments: parsed.attachments.map((attachment) => ({
        filename: attachment.filename ?? 'senza nome',
        contentType: attachment.contentType,
        size: attachment.size,
      })),
    });
  });

  app.get('/dev/mailbox/:id/raw', async (request, reply) => {
    const row = await findMessage(request);
    if (!row) return reply.callNotFound();
    return reply
      .type('message/rfc822')
      .header('Content-Disposition', contentDisposition('attachment', `messaggio-${row.id}.eml`))
      .send(row.raw);
  });
}
