import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accountStreamId } from '../../domain/accounts/accountDecider.js';
import { usernameStreamId } from '../../domain/accounts/usernameClaim.js';
import { contractStreamId } from '../../domain/contracts/contractDecider.js';
import { campaignStreamId } from '../../domain/campaigns/campaign.js';
import { contractLimitsStreamId } from '../../domain/campaigns/contractLimits.js';
import { declarationDraftStreamId } from '../../domain/declarations/declarationDraft.js';
import { protocolRegisterStreamId } from '../../domain/declarations/protocolNumber.js';
import { flowStreamId } from '../../domain/observatory/monthlyFlowDecider.js';
import { municipalityStreamId } from '../../domain/observatory/municipalityOfficer.js';
import { observatoryAdminsStreamId } from '../../domain/observatory/observatoryAdmins.js';
import { officerPersonStreamId } from '../../domain/observatory/officerPerson.js';
import { exportsStreamId } from '../../src/audit/exportRecord.js';
import { operationsStreamId } from '../../src/audit/projectionStatus.js';
import { streamKindOf, streamTitle } from '../../src/audit/streamKinds.js';
import { verificationsStreamId } from '../../src/audit/verifyIntegrity.js';
import { digitalIdentityStream } from '../../domain/observatory/digitalIdentityEvents.js';
import { registryStreamId } from '../../src/registry/importRegistry.js';

const accountId = '8f3b6c1e-2d4a-4b5c-9e7f-0a1b2c3d4e5f';

/** One stream id of every category the portal writes, as the code that writes it builds it. */
const written: Record<string, string> = {
  account: accountStreamId(accountId),
  username: usernameStreamId('Euro.Oil'),
  contract: contractStreamId('3001234567'),
  'discharge-limits': contractLimitsStreamId('3001234567'),
  'declaration-draft': declarationDraftStreamId('3001234567', 2025),
  campaign: campaignStreamId(2026),
  'protocol-register': protocolRegisterStreamId(2026),
  'waste-flow': flowStreamId('072006', '2026-03'),
  municipality: municipalityStreamId('072006'),
  'observatory-person': officerPersonStreamId('RSSMRA80A01A662A'),
  'observatory-admins': observatoryAdminsStreamId,
  registry: registryStreamId,
  'digital-identity': digitalIdentityStream('RSSMRA80A01A662A'),
  // src/accounts/login.route.ts writes these inline.
  signin: `signin-${accountId}`,
  'signin-unknown': 'signin-unknown',
  'audit-verifications': verificationsStreamId,
  'audit-exports': exportsStreamId,
  'audit-operations': operationsStreamId,
};

describe('stream kinds', () => {
  it.each(Object.entries(written))(
    'names %s streams in Italian, never as a bare "Flusso"',
    (kind, id) => {
      expect(streamKindOf(id).kind).toBe(kind);
      expect(streamKindOf(id).label).not.toBe('Flusso');
    },
  );

  it('names the streams of every *StreamId that domain/ exports', async () => {
    const files = readdirSync(new URL('../../domain/', import.meta.url), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts'));
    const ids: string[] = [];
    for (const file of files) {
      const module = (await import(`../../domain/${file}`)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (!name.endsWith('StreamId')) continue;
        // Only the prefix decides the kind: every part after it may be 'x'.
        if (typeof value === 'function') {
          const streamId = value as (...parts: string[]) => unknown;
          ids.push(String(streamId(...Array<string>(streamId.length).fill('x'))));
        } else if (typeof value === 'string') ids.push(value);
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
