import { sql, type Kysely } from 'kysely';

/*
 * A mail that can be stopped (an optional reminder) carries its link in List-Unsubscribe, with
 * List-Unsubscribe-Post for the mail clients' one click (RFC 8058). Null for every other mail.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mail_outbox add column unsubscribe_url text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mail_outbox drop column unsubscribe_url`.execute(db);
}
