import type { FastifyRequest } from 'fastify';
import { createHash, randomBytes } from 'node:crypto';
import {
  activeKey,
  apiTokensDecider,
  apiTokensStream,
} from '../../../domain/observatory/apiTokens.js';
import { romeDay } from '../../../domain/observatory/months.js';
import { isMunicipalityUser } from '../../../domain/observatory/municipalityMandates.js';
import {
  municipalityStream,
  officerDecider,
} from '../../../domain/observatory/municipalityOfficer.js';
import { apiTokenByHash } from '../../../projections/observatory/apiTokens.js';
import type { ObservatoryDeps } from '../../deps.js';
import { readState } from '../../platform/eventStore/commandHandler.js';

/**
 * A municipality's API token: a fixed prefix (so a token pasted where it should not be is easy to
 * spot and to search for) and 32 random bytes. The portal keeps its SHA-256 only: a token that
 * long needs no slow hash, and the lookup by hash reveals nothing of the others.
 */
const tokenPrefix = 'dich_oss_';
const tokenShape = /^dich_oss_[A-Za-z0-9_-]{43}$/;

export const newApiSecret = (): string => `${tokenPrefix}${randomBytes(32).toString('base64url')}`;

export const secretHashOf = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** The key a request holds: its id and the one municipality it may file for. */
export interface ApiKeyHolder {
  readonly keyId: string;
  readonly istatCode: string;
  readonly name: string;
}

export type Authentication =
  | { readonly ok: true; readonly key: ApiKeyHolder }
  | { readonly ok: false; readonly message: string };

const refused = (message: string): Authentication => ({ ok: false, message });

/**
 * The key of the request's `Authorization: Bearer` token. The read model finds the token by its
 * hash; its municipality's streams then say whether it is still active and its issuer still a
 * user of the municipality, so a revocation or the end of an authorisation counts from the moment
 * it is recorded, whatever the read models' delay.
 */
export async function authenticate(
  deps: Pick<ObservatoryDeps, 'database' | 'eventStore' | 'clock'>,
  request: FastifyRequest,
): Promise<Authentication> {
  const header = request.headers.authorization ?? '';
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!secret)
    return refused(
      'Autenticazione mancante: inviare l’intestazione «Authorization: Bearer <token>» con il token del comune.',
    );
  if (!tokenShape.test(secret)) return refused('Token non valido.');
  const secretHash = secretHashOf(secret);
  const found = await apiTokenByHash(deps.database.db, secretHash);
  if (!found) return refused('Token non valido.');
  const { state } = await readState(
    deps.eventStore,
    apiTokensDecider,
    apiTokensStream.id(found.istatCode),
  );
  const key = activeKey(state, secretHash);
  if (!key)
    return refused('Token revocato dal comune: chiedi all’utente del comune un nuovo token.');
  // A token is its issuer's: it ends with the association or the authorisation of that person.
  const municipality = await readState(
    deps.eventStore,
    officerDecider,
    municipalityStream.id(found.istatCode),
  );
  const issuer = key.issuedBy.replace(/^cf:/, '');
  if (!isMunicipalityUser(municipality.state, issuer, romeDay(deps.clock()))) {
    return refused(
      'Token non più valido: chi lo ha emesso non è più utente del comune. Chiedi all’utente del comune un nuovo token.',
    );
  }
  return { ok: true, key: { keyId: key.keyId, istatCode: found.istatCode, name: key.name } };
}
