import { treeHeadsStream } from '../../domain/audit/treeHeads.js';
import { signInStream, unknownAccount } from '../../domain/accounts/signIns.js';
import type { DomainEvent } from '../../domain/shared/decider.js';
import type { StreamCodec } from '../../domain/shared/streamCodec.js';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import { usernameStream } from '../../domain/accounts/usernameClaim.js';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import { campaignStream } from '../../domain/campaigns/campaign.js';
import { contractLimitsStream } from '../../domain/campaigns/contractLimits.js';
import { declarationDraftStream } from '../../domain/declarations/declarationDraft.js';
import { protocolRegisterStream } from '../../domain/declarations/protocolNumber.js';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import { municipalityStream } from '../../domain/observatory/municipalityOfficer.js';
import { observatoryAdminsStream } from '../../domain/observatory/observatoryAdmins.js';
import { officerPersonStream } from '../../domain/observatory/officerPerson.js';
import { apiTokensStream } from '../../domain/observatory/apiTokens.js';
import { exportsStream } from '../../src/audit/exportRecord.js';
import { operationsStream } from '../../src/audit/projectionStatus.js';
import { streamKindOf, streamTitle } from '../../src/audit/streamKinds.js';
import { verificationsStream } from '../../src/audit/verifyIntegrity.js';
import { digitalIdentityStream } from '../../domain/observatory/digitalIdentityEvents.js';
import { registryStream } from '../../src/registry/importRegistry.js';
import { reminderChoiceStream, reminderStream } from '../../domain/reminders/reminderEvents.js';

const accountId = '8f3b6c1e-2d4a-4b5c-9e7f-0a1b2c3d4e5f';

/** One stream id of every category the portal writes, as the code that writes it builds it. */
const written: Record<string, string> = {
  account: accountStream.id(accountId),
  username: usernameStream.id('Euro.Oil'),
  contract: contractStream.id('3001234567'),
  'discharge-limits': contractLimitsStream.id('3001234567'),
  'declaration-draft': declarationDraftStream.id('3001234567', 2025),
  campaign: campaignStream.id(2026),
  'protocol-register': protocolRegisterStream.id(2026),
  'waste-flow': flowStream.id('072006', '2026-03'),
  municipality: municipalityStream.id('072006'),
  'observatory-person': officerPersonStream.id('RSSMRA80A01A662A'),
  'observatory-admins': observatoryAdminsStream.id(),
  'observatory-api-tokens': apiTokensStream.id('072006'),
  registry: registryStream.id(),
  'digital-identity': digitalIdentityStream.id('RSSMRA80A01A662A'),
  signin: signInStream.id(accountId),
  'signin-unknown': signInStream.id(unknownAccount),
  'audit-verifications': verificationsStream.id(),
  'audit-exports': exportsStream.id(),
  'audit-operations': operationsStream.id(),
  'transparency-heads': treeHeadsStream.id(),
  reminder: reminderStream.id('observatory:072006:2026-11:month-ended'),
  'reminder-choice': reminderChoiceStream.id('municipality:072006'),
};

const isStreamCodec = (
  value: unknown,
): value is Pick<StreamCodec<[], DomainEvent>, 'prefix' | 'parse'> =>
  typeof value === 'object' &&
  value !== null &&
  'prefix' in value &&
  typeof value.prefix === 'string' &&
  'parse' in value &&
  typeof value.parse === 'function';

describe('stream kinds', () => {
  it.each(Object.entries(written))(
    'names %s streams in Italian, never as a bare "Flusso"',
    (kind, id) => {
      expect(streamKindOf(id).kind).toBe(kind);
      expect(streamKindOf(id).label).not.toBe('Flusso');
    },
  );

  it('names the streams of every stream codec that domain/ exports', async () => {
    const files = readdirSync(new URL('../../domain/', import.meta.url), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts'));
    const ids: string[] = [];
    for (const file of files) {
      const module = (await import(`../../domain/${file}`)) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        // Only the prefix decides the kind: every part after it may be 'x'.
        if (isStreamCodec(value))
          ids.push(value.parse(value.prefix) === '' ? value.prefix : `${value.prefix}x`);
      }
    }
    expect(ids.length).toBeGreaterThanOrEqual(11);
    const unnamed = ids.filter((id) => streamKindOf(id).kind === 'other');
    expect(unnamed).toEqual([]);
  });

  it('titles the claim of a fiscal code, a contract’s limits and a declaration’s draft', () => {
    expect(streamTitle('observatory-person-RSSMRA80A01A662A')).toBe(
      'Codice fiscale associato a un comune (Osservatorio) RSSMRA80A01A662A',
    );
    expect(streamTitle('discharge-limits-3001234567')).toBe(
      'Limiti allo scarico del contratto 3001234567',
    );
    expect(streamTitle('declaration-draft-3001234567-2025')).toBe(
      'Bozza della dichiarazione 3001234567-2025',
    );
  });

  it('titles the sign-ins of an account and the failures of unknown usernames', () => {
    expect(streamTitle(`signin-${accountId}`)).toBe(`Accessi dell’account ${accountId}`);
    expect(streamTitle('signin-unknown')).toBe('Accessi non riusciti con nome utente sconosciuto');
    expect(streamTitle('audit-exports')).toBe('Esportazioni degli eventi');
  });

  it('still falls back to "Flusso" for an id no part of the portal writes', () => {
    expect(streamKindOf('sample-stream').label).toBe('Flusso');
  });
});
