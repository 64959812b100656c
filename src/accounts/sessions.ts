import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely, type Selectable } from 'kysely';
import { createHash, randomBytes } from 'node:crypto';
import {
  accountPrefix,
  fiscalCodeOfAccount,
} from '../../domain/observatory/digitalIdentityEvents.js';
import { romeDay } from '../../domain/observatory/months.js';
import { accountOfRow, type AccountRow } from '../../projections/accounts/accounts.js';
import {
  standingOf,
  standingRows,
  type ObservatoryStanding,
  type StandingRow,
} from '../../projections/observatory/officers.js';
import type { RequestIdentity } from '../observatory/identity/requestIdentity.js';
import type { AccountsTable, Schema } from '../platform/db/schema.js';

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

/** Who holds a live session: an account of the password login, or a person's SPID/CIE identity. */
export interface SessionHolder {
  /** The account's row, for a password login still in the accounts read model. */
  readonly account: AccountRow | null;
  /** The person of a SPID/CIE session (account id `cf:<fiscal code>`). */
  readonly identity: RequestIdentity | null;
  /** The municipality a digital identity chose to act for in this session, if any. */
  readonly actingIstat: string | null;
  /** Where a digital identity stands in the observatory today; null for a password login. */
  readonly standing: ObservatoryStanding | null;
}

/** Where a SPID/CIE account id's fiscal code starts, for SQL's substr (1-based). */
const fiscalCodeFrom = accountPrefix.length + 1;
/** The fiscal code of a SPID/CIE session's account id, in SQL. */
const fiscalCodeOfSession = sql<string>`substr(${sql.ref('sessions.account_id')}, ${fiscalCodeFrom})`;
/** A SPID/CIE session's standing in the observatory on a day, as rows; null for a password one. */
const standingOfSession = (today: string) => sql<StandingRow[] | null>`
  case when ${sql.ref('sessions.account_id')} like ${`${accountPrefix}%`} then (
    select coalesce(json_agg(standing), '[]')
    from (${standingRows(fiscalCodeOfSession, today)}) as standing
  ) end`;

/**
 * The holder of a live session, or null for an unknown, expired or revoked one: session, account,
 * identity and, for a digital identity, its standing in the observatory, in one statement, as
 * every page asks it.
 */
export async function sessionHolder(
  db: Kysely<Schema>,
  token: string,
  now: Date,
): Promise<SessionHolder | null> {
  const row = await db
    .selectFrom('sessions')
    .leftJoin('accounts', 'accounts.account_id', 'sessions.account_id')
    .leftJoin('digital_identities', (join) =>
      join.on('digital_identities.fiscal_code', '=', fiscalCodeOfSession),
    )
    .selectAll('accounts')
    .select([
      'sessions.account_id as session_account_id',
      'sessions.acting_istat',
      'digital_identities.given_name',
      'digital_identities.family_name',
      standingOfSession(romeDay(now)).as('standing'),
    ])
    .where('sessions.token_hash', '=', digest(token))
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return null;
  const { session_account_id, acting_istat, given_name, family_name, standing, ...account } = row;
  const fiscalCode = fiscalCodeOfAccount(session_account_id);
  if (fiscalCode) {
    // A login the identities' read model has not applied yet still counts, without names.
    const identity = { fiscalCode, givenName: given_name ?? '', familyName: family_name ?? '' };
    return {
      account: null,
      identity,
      actingIstat: acting_istat,
      standing: standingOf(standing ?? []),
    };
  }
  return {
    // A left join's columns are all null when no account matched; the row is whole otherwise.
    account:
      account.account_id === null ? null : accountOfRow(account as Selectable<AccountsTable>),
    identity: null,
    actingIstat: acting_istat,
    standing: null,
  };
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
