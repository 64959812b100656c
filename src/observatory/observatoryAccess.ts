import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/shared/domainError.js';
import { monthLabel, romeDay, type YearMonth } from '../../domain/observatory/months.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import {
  type Mandate,
  type MandateKind,
  type ObservatoryRole,
} from '../../projections/observatory/officers.js';
import { filesFor } from '../../domain/observatory/municipalityMandates.js';
import {
  municipalityStream,
  officerDecider,
} from '../../domain/observatory/municipalityOfficer.js';
import { readState } from '../platform/eventStore/commandHandler.js';
import type { ObservatoryDeps } from '../deps.js';
import type { CommandContext } from '../platform/eventStore/commandHandler.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the logged-in digital identity may do in the observatory (set by requireObservatory). */
    observatoryRole: ObservatoryRole | null;
  }
}

/** Where a person with several municipalities picks the one it acts for. */
export const choicePath = '/osservatorio/comuni';

export const capacityLabels: Record<MandateKind, string> = {
  responsabile: 'utente del comune',
  autorizzato: 'secondo utente autorizzato',
  delegato: 'delegato alla compilazione',
};

/** The header's line: the municipality acted for, in which capacity, and whether to switch. */
const acting = (mandate: Mandate, count: number) => {
  const municipality = municipalityByIstat(mandate.istatCode);
  return {
    name: municipality?.name ?? mandate.istatCode,
    province: municipality?.province ?? '',
    capacity: capacityLabels[mandate.mandate],
    canSwitch: count > 1,
  };
};

/**
 * A preHandler for the observatory's pages: a digital identity must be logged in, and its fiscal
 * code associated with a municipality (officer) or granted the admin role. The municipality comes
 * from those associations, never from the URL: the only one, or the one the person chose for this
 * session among its several («Cambia comune»). A form carries the municipality it was shown for
 * (`comune`), so a page left open before a switch in another window cannot file for the other one.
 */
export function requireObservatory(deps: ObservatoryDeps, kind: 'officer' | 'admin') {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const identity = request.identity;
    if (!identity) return reply.redirect('/osservatorio/accesso', 303);
    const role = observatoryRole(request);
    if (role === null) return reply.redirect('/osservatorio', 303);
    if (role.kind !== kind) {
      throw new DomainError(
        'Forbidden',
        'forbidden',
        'Questa pagina è riservata ad altri profili dell’Osservatorio.',
      );
    }
    if (role.kind === 'admin') {
      request.observatoryRole = role;
      return;
    }
    const mandate =
      role.mandates.find((candidate) => candidate.istatCode === request.sessionMunicipality) ??
      (role.mandates.length === 1 ? role.mandates[0] : undefined);
    if (!mandate) {
      if (request.method === 'GET') {
        return reply.redirect(`${choicePath}?dopo=${encodeURIComponent(request.url)}`, 303);
      }
      throw new DomainError('NoMunicipality', 'conflict', 'Scegli prima il comune per cui operi.');
    }
    if (!isSafe(request.method)) {
      const shownFor = formField(request.body, 'comune');
      // One who files for a single municipality cannot have switched; the others must say.
      if (shownFor !== null || role.mandates.length > 1)
        refuseSwitched(shownFor, mandate.istatCode);
      // The read models may lag the municipality's stream: what changes data asks the stream
      // whether the person still files for it (an ended authorisation, a revoked delegation).
      const { state } = await readState(
        deps.eventStore,
        officerDecider,
        municipalityStream.id(mandate.istatCode),
      );
      if (!filesFor(state, identity.fiscalCode, romeDay(deps.clock()))) {
        throw new DomainError(
          'MandateEnded',
          'forbidden',
          `Non sei più abilitato a operare per il Comune di ${municipalityName(mandate.istatCode)}.`,
        );
      }
    }
    request.observatoryRole = { kind: 'officer', ...mandate };
    request.viewLocals = { acting: acting(mandate, role.mandates.length) };
  };
}

const isSafe = (method: string) => method === 'GET' || method === 'HEAD';
const municipalityName = (istatCode: string) => municipalityByIstat(istatCode)?.name ?? istatCode;

/**
 * Every form of a municipality's pages carries the municipality it was shown for: one posted from
 * a page left open before a switch in another window, or without it by a person who files for
 * several, files nothing.
 */
function refuseSwitched(shownFor: string | null, actingFor: string): void {
  if (shownFor === actingFor) return;
  const known = shownFor !== null && municipalityByIstat(shownFor) !== undefined;
  throw new DomainError(
    'MunicipalitySwitched',
    'conflict',
    known
      ? `Questa pagina era del Comune di ${municipalityName(shownFor)}, ma nel frattempo hai scelto il Comune di ${municipalityName(actingFor)}: ricarica la pagina e controlla il comune prima di inviare.`
      : 'La pagina non dice per quale comune operi: ricaricala e riprova.',
  );
}

/** A text field of a posted form, url-encoded (a string) or multipart (a part with its value). */
function formField(body: unknown, name: string): string | null {
  const field = (body as Record<string, unknown> | null | undefined)?.[name];
  const value = (field as { value?: unknown } | null | undefined)?.value ?? field;
  return typeof value === 'string' ? value : null;
}

/**
 * What the person of a SPID/CIE session may be in the observatory: an admin, a filer for some
 * municipalities, or null (its standing is read with the session: src/accounts/sessions.ts).
 */
export function observatoryRole(
  request: FastifyRequest,
): { kind: 'admin' } | { kind: 'officer'; mandates: readonly Mandate[] } | null {
  const standing = request.observatoryStanding;
  if (!standing) return null;
  if (standing.admin) return { kind: 'admin' };
  return standing.mandates.length > 0 ? { kind: 'officer', mandates: standing.mandates } : null;
}

/** The role an event's actor is recorded with, by how the person files for the municipality. */
const actorRoles: Record<MandateKind, string> = {
  responsabile: 'municipality-officer',
  autorizzato: 'municipality-second-user',
  delegato: 'collector-delegate',
};

/** Who, when and from where, for the events an observatory request causes. */
export function observatoryContext(
  request: FastifyRequest,
  now: Date,
  commandId: string,
): CommandContext {
  const role = request.observatoryRole;
  return {
    commandId,
    correlationId: request.id,
    actor: {
      id: `cf:${request.identity!.fiscalCode}`,
      role:
        role?.kind === 'admin' ? 'observatory-admin' : actorRoles[role?.mandate ?? 'responsabile'],
    },
    clientIp: request.ip,
    now,
  };
}

/** The municipality the person acts for on this request, and in which capacity. */
export const officerMandate = (request: FastifyRequest): Mandate => {
  const role = request.observatoryRole;
  if (role?.kind !== 'officer')
    throw new DomainError('Forbidden', 'forbidden', 'Profilo non abilitato.');
  return role;
};

/** The municipality the person acts for: the one it chose, among those it may file for. */
export const officerIstat = (request: FastifyRequest): string => officerMandate(request).istatCode;

/**
 * The municipality, for what only its own users may do (ask for an unlock, delegate, issue API
 * tokens): the collector's delegates fill and submit months, nothing more.
 */
export function requireMunicipalityUser(request: FastifyRequest): string {
  const mandate = officerMandate(request);
  if (mandate.mandate === 'delegato') {
    throw new DomainError(
      'DelegateNotAllowed',
      'forbidden',
      'Operazione riservata agli utenti del comune: la delega consente solo di compilare e inviare i mesi.',
    );
  }
  return mandate.istatCode;
}

/** A month the person may file: any for the municipality's users, its period for a delegate. */
export function requireMonthMandate(request: FastifyRequest, month: YearMonth): void {
  const mandate = officerMandate(request);
  if (mandate.mandate !== 'delegato') return;
  if (month >= (mandate.fromMonth ?? '') && month <= (mandate.toMonth ?? '')) return;
  throw new DomainError(
    'MonthNotDelegated',
    'forbidden',
    `La delega copre i mesi da ${monthLabel(mandate.fromMonth ?? '')} a ${monthLabel(mandate.toMonth ?? '')}: questo mese resta al comune.`,
  );
}
