import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../domain/accounts/accountEvents.js';
import type { Acting } from '../../domain/accounts/members.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { findAccount, type AccountRow } from '../../projections/accounts/accounts.js';
import type { Clock } from '../deps.js';
import type { Schema } from '../platform/db/schema.js';
import type { CommandContext } from '../platform/eventStore/commandHandler.js';
import {
  digitalIdentityRole,
  identityAccountId,
} from '../../domain/observatory/digitalIdentityEvents.js';
import type { RequestIdentity } from '../observatory/identity/requestIdentity.js';
import type { ObservatoryStanding } from '../../projections/observatory/officers.js';
import { sessionCookie, sessionHolder } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in, active account; null for visitors. */
    account: AccountRow | null;
    /** The person of a SPID/CIE session (account id `cf:<fiscal code>`); null otherwise. */
    identity: RequestIdentity | null;
    sessionToken: string | null;
    /** The municipality a SPID/CIE session chose to act for, read with the session; or null. */
    sessionMunicipality: string | null;
    /** Where a SPID/CIE session's person stands in the observatory, read with the session. */
    observatoryStanding: ObservatoryStanding | null;
  }
}

/** Loads the session's account on every page request (assets excepted). */
export const authPlugin = fp(
  async (app: FastifyInstance, options: { db: Kysely<Schema>; clock: Clock }) => {
    app.decorateRequest('account', null);
    app.decorateRequest('identity', null);
    app.decorateRequest('sessionToken', null);
    app.decorateRequest('sessionMunicipality', null);
    app.decorateRequest('observatoryStanding', null);
    app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/assets/')) return;
      const cookie = request.cookies[sessionCookie];
      const unsigned = cookie ? request.unsignCookie(cookie) : null;
      if (!unsigned?.valid || !unsigned.value) return;
      const session = await sessionHolder(options.db, unsigned.value, options.clock());
      if (session?.identity) {
        request.identity = session.identity;
        request.sessionMunicipality = session.actingIstat;
        request.observatoryStanding = session.standing;
        request.sessionToken = unsigned.value;
        return;
      }
      const account = session?.account ?? null;
      if (!account || !maySignIn(account)) return;
      request.account = account;
      request.sessionToken = unsigned.value;
    });
  },
);

/** Active, and for a declarant still one of an organisation's people. */
export const maySignIn = (account: AccountRow): boolean =>
  account.status === 'active' && (account.role !== 'declarant' || account.memberRole !== null);

/**
 * The person of a declarant's session, acting for their organisation: the organisation owns the
 * contracts and filings, the person's role says what they may do with them (members.ts).
 */
export function actingOf(request: FastifyRequest): Acting {
  const account = request.account;
  if (!account?.organisationId || !account.memberRole) {
    throw new DomainError('Forbidden', 'forbidden', 'Questa pagina è riservata ai dichiaranti.');
  }
  return {
    organisationId: account.organisationId,
    personId: account.accountId,
    role: account.memberRole,
  };
}

/** The registering account of the person's organisation: its kind and declared companies. */
export async function organisationOf(
  db: Kysely<Schema>,
  request: FastifyRequest,
): Promise<AccountRow> {
  const { organisationId } = actingOf(request);
  const organisation =
    organisationId === request.account!.accountId
      ? request.account!
      : await findAccount(db, organisationId);
  if (!organisation) throw new Error(`Organisation ${organisationId} has no account row`);
  return organisation;
}

/** Who acts, for the events: the person, their role, and the organisation they act for. */
export const actorOf = (account: AccountRow) =>
  account.organisationId
    ? { id: account.accountId, role: account.role, organisationId: account.organisationId }
    : { id: account.accountId, role: account.role };

/** A preHandler: visitors go to the login page (and come back after), other roles get 403. */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.account) {
      return reply.redirect(`/accesso?dopo=${encodeURIComponent(request.url)}`, 303);
    }
    if (request.account.mustChangePassword && request.routeOptions.url !== '/primo-accesso') {
      return reply.redirect('/primo-accesso', 303);
    }
    if (!roles.includes(request.account.role as Role)) {
      throw new DomainError(
        'Forbidden',
        'forbidden',
        'Questa pagina è riservata ad altri profili.',
      );
    }
  };
}

/** Who, when and from where, for the events a request causes. */
export function commandContext(
  request: FastifyRequest,
  now: Date,
  commandId: string = randomUUID(),
): CommandContext {
  const account = request.account;
  const identity = request.identity;
  return {
    commandId,
    correlationId: request.id,
    actor: account
      ? actorOf(account)
      : identity
        ? { id: identityAccountId(identity.fiscalCode), role: digitalIdentityRole }
        : { id: 'anonymous', role: 'visitor' },
    clientIp: request.ip,
    now,
  };
}

/** Each role's first page: the reserved area, the audit section, the operators' queue. */
export const homeOf = (role: string): string =>
  role === 'declarant'
    ? '/area-riservata'
    : role === 'auditor'
      ? '/revisione'
      : '/operatori/registrazioni';
