import type { Decider } from '../shared/decider.js';
import { DomainError, type DomainErrorKind } from '../shared/domainError.js';
import { streamCodec } from '../shared/streamCodec.js';

/**
 * The tokens a municipality's user gives its software, to file the months through the API
 * (`observatory-api-tokens-<istat>`): each one valid for that municipality only, kept as the
 * SHA-256 of the secret (the secret itself is shown once and never recorded).
 *
 * Fields are `keyId` and `secretHash`, not `tokenId`: the auditors' pages hide any field whose
 * name says "token" or "secret" (src/audit/redact.ts), and the key's id must stay readable there.
 */
export type ApiTokenEvent =
  | {
      type: 'ApiTokenIssued';
      data: {
        istatCode: string;
        keyId: string;
        name: string;
        /** Hex SHA-256 of the whole secret as the software sends it. */
        secretHash: string;
        issuedBy: string;
      };
    }
  | {
      type: 'ApiTokenRevoked';
      data: { istatCode: string; keyId: string; name: string; revokedBy: string };
    };

export interface IssueApiToken {
  readonly type: 'IssueApiToken';
  readonly istatCode: string;
  readonly keyId: string;
  readonly name: string;
  readonly secretHash: string;
  /** `cf:<fiscal code>` of the municipality's user. */
  readonly by: string;
}

export interface RevokeApiToken {
  readonly type: 'RevokeApiToken';
  readonly istatCode: string;
  readonly keyId: string;
  readonly by: string;
}

export type ApiTokenCommand = IssueApiToken | RevokeApiToken;

export interface IssuedKey {
  readonly keyId: string;
  readonly name: string;
  readonly secretHash: string;
  /** Who issued it, 'cf:<fiscal code>': the token holds only while that person is a user. */
  readonly issuedBy: string;
  readonly revoked: boolean;
}

export interface ApiTokensState {
  readonly issued: readonly IssuedKey[];
}

export type ApiTokenErrorCode =
  | 'ApiTokenNameRequired'
  | 'ApiTokenNameTaken'
  | 'ApiTokenLimit'
  | 'ApiTokenUnknown'
  | 'ApiTokenAlreadyRevoked';

const apiTokenError = (
  code: ApiTokenErrorCode,
  kind: DomainErrorKind,
  message: string,
  field?: string,
) => new DomainError<ApiTokenErrorCode>(code, kind, message, field);

/** Active tokens a municipality may hold at once: one per program, with room for a change-over. */
export const maxActiveApiTokens = 10;
export const maxApiTokenName = 80;

export const apiTokensStream = streamCodec<[istatCode: string], ApiTokenEvent>(
  'observatory-api-tokens-',
  (istatCode) => istatCode,
);

/** The active key with this secret's hash, if any: the only way a request is let in. */
export const activeKey = (state: ApiTokensState, secretHash: string): IssuedKey | undefined =>
  state.issued.find((key) => !key.revoked && key.secretHash === secretHash);

function issueApiToken(command: IssueApiToken, state: ApiTokensState): ApiTokenEvent[] {
  const name = command.name.trim();
  if (!name) {
    throw apiTokenError(
      'ApiTokenNameRequired',
      'validation',
      'Indicare un nome per riconoscere il token (per esempio il programma che lo usa).',
      'nome',
    );
  }
  const active = state.issued.filter((key) => !key.revoked);
  if (active.some((key) => key.name.toLowerCase() === name.toLowerCase())) {
    throw apiTokenError(
      'ApiTokenNameTaken',
      'conflict',
      'C’è già un token attivo con questo nome: scegline un altro o revoca quello.',
      'nome',
    );
  }
  if (active.length >= maxActiveApiTokens) {
    throw apiTokenError(
      'ApiTokenLimit',
      'conflict',
      `Il comune ha già ${maxActiveApiTokens} token attivi: revocane uno prima di crearne un altro.`,
      'nome',
    );
  }
  const { istatCode, keyId, secretHash, by } = command;
  return [{ type: 'ApiTokenIssued', data: { istatCode, keyId, name, secretHash, issuedBy: by } }];
}

function revokeApiToken(command: RevokeApiToken, state: ApiTokensState): ApiTokenEvent[] {
  const key = state.issued.find((issued) => issued.keyId === command.keyId);
  if (!key) throw apiTokenError('ApiTokenUnknown', 'not-found', 'Token non trovato.');
  if (key.revoked) {
    throw apiTokenError(
      'ApiTokenAlreadyRevoked',
      'conflict',
      `Il token «${key.name}» è già stato revocato.`,
    );
  }
  const { istatCode, keyId, by } = command;
  return [{ type: 'ApiTokenRevoked', data: { istatCode, keyId, name: key.name, revokedBy: by } }];
}

export const apiTokensDecider: Decider<ApiTokensState, ApiTokenCommand, ApiTokenEvent> = {
  initialState: () => ({ issued: [] }),
  evolve(state, event) {
    switch (event.type) {
      case 'ApiTokenIssued': {
        const { keyId, name, secretHash, issuedBy } = event.data;
        return {
          issued: [...state.issued, { keyId, name, secretHash, issuedBy, revoked: false }],
        };
      }
      case 'ApiTokenRevoked':
        return {
          issued: state.issued.map((key) =>
            key.keyId === event.data.keyId ? { ...key, revoked: true } : key,
          ),
        };
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'IssueApiToken':
        return issueApiToken(command, state);
      case 'RevokeApiToken':
        return revokeApiToken(command, state);
    }
  },
};
