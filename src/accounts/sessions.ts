import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { createHash, randomBytes } from 'node:crypto';
import type { Schema } from '../platform/db/schema.js';

export const sessionCookie = 'dichiara-session';
export const sessionHours = 8;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new server-side session; only the token's hash is stored, the token goes in the cookie. */
export async function openSession(
  db: Kysely<Schema>,
  input: { accountId: string; now: Date; clientIp: string | null; userAgent: string | null },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('sessions')
    .values({
      token_hash: digest(token),
      account_id: input.accountId,
      created_at: input.now,
      expires_at: new Date(input.now.getTime() + sessionHours * 3_600_000),
      revoked_at: null,
      client_ip: input.clientIp,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return token;
}

/**
 * A login: the browser's session, if any, ends, and a new one starts in its signed cookie (a new
 * token at every login, so a token known before it is worth nothing after).
 */
export async function replaceSession(
  db: Kysely<Schema>,
  request: FastifyRequest,
  reply: FastifyReply,
  input: { accountId: string; now: Date; secure: boolean },
): Promise<void> {
  if (request.sessionToken) await revokeSession(db, request.sessionToken, input.now);
  const token = await openSession(db, {
    accountId: input.accountId,
    now: input.now,
    clientIp: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
  });
  reply.setCookie(sessionCookie, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    secure: input.secure,
    maxAge: sessionHours * 3600,
  });
}

/**
 * The account of a live session, or null for an unknown, expired or revoked one; with the
 * municipality a digital identity chose to act for in it, if any.
 */
export async function sessionAccount(
  db: Kysely<Schema>,
  token: string,
  now: Date,
): Promise<{ accountId: string; actingIstat: string | null } | null> {
  const row = await db
    .selectFrom('sessions')
    .select(['account_id', 'acting_istat'])
    .where('token_hash', '=', digest(token))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row ? { accountId: row.account_id, actingIstat: row.acting_istat } : null;
}

export async function revokeSession(db: Kysely<Schema>, token: string, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('token_hash', '=', digest(token))
    .execute();
}

/** After a password reset every other device is logged out. */
export async function revokeAllSessions(
  db: Kysely<Schema>,
  accountId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** What the session acts for from now on: one of its person's municipalities. */
export async function chooseSessionMunicipality(
  db: Kysely<Schema>,
  token: string,
  istatCode: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ acting_istat: istatCode })
    .where('token_hash', '=', digest(token))
    .execute();
}
