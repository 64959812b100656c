import { describe, expect, it } from 'vitest';
import { accountStreamId } from '../../domain/accounts/accountDecider.js';
import { usernameStreamId } from '../../domain/accounts/usernameClaim.js';
import { contractStreamId } from '../../domain/contracts/contractDecider.js';
import { campaignStreamId } from '../../domain/declarations/campaign.js';
import { protocolRegisterStreamId } from '../../domain/declarations/protocolNumber.js';
import { flowStreamId } from '../../domain/observatory/monthlyFlowDecider.js';
import { municipalityStreamId } from '../../domain/observatory/municipalityOfficer.js';
import { observatoryAdminsStreamId } from '../../domain/observatory/observatoryAdmins.js';
import { exportsStreamId } from '../../src/audit/exportRecord.js';
import { operationsStreamId } from '../../src/audit/projectionStatus.js';
import { streamKindOf, streamTitle } from '../../src/audit/streamKinds.js';
import { verificationsStreamId } from '../../src/audit/verifyIntegrity.js';
import { digitalIdentityStream } from '../../src/observatory/identity/digitalIdentityEvents.js';
import { registryStreamId } from '../../src/registry/importRegistry.js';

const accountId = '8f3b6c1e-2d4a-4b5c-9e7f-0a1b2c3d4e5f';

/** One stream id of every category the portal writes, as the code that writes it builds it. */
const written: Record<string, string> = {
  account: accountStreamId(accountId),
  username: usernameStreamId('Euro.Oil'),
  contract: contractStreamId('3001234567'),
  campaign: campaignStreamId(2026),
  'protocol-register': protocolRegisterStreamId(2026),
  'waste-flow': flowStreamId('072006', '2026-03'),
  municipality: municipalityStreamId('072006'),
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

  it('titles the sign-ins of an account and the failures of unknown usernames', () => {
    expect(streamTitle(`signin-${accountId}`)).toBe(`Accessi dell’account ${accountId}`);
    expect(streamTitle('signin-unknown')).toBe('Accessi non riusciti con nome utente sconosciuto');
    expect(streamTitle('audit-exports')).toBe('Esportazioni degli eventi');
  });

  it('still falls back to "Flusso" for an id no part of the portal writes', () => {
    expect(streamKindOf('sample-stream').label).toBe('Flusso');
  });
});
