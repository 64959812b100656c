import { describe, expect, it } from 'vitest';
import type { OfficerEvent } from '../../../domain/observatory/municipalityOfficer.js';
import {
  claimStanding,
  officerPersonDecider,
  type ClaimOfficerPerson,
  type OfficerPersonEvent,
  type PersonClaim,
} from '../../../domain/observatory/officerPerson.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const spec = deciderSpec(officerPersonDecider);
const fiscalCode = 'RSSMRA80A01A662A';
const now = new Date('2026-11-20T10:00:00Z');
const claimOf = (istatCode: string, municipalityVersion = 0): PersonClaim => ({
  istatCode,
  municipalityVersion,
  claimedAt: '2026-11-20T09:59:00.000Z',
});
const claimed = (istatCode: string, municipalityVersion = 0): OfficerPersonEvent => ({
  type: 'OfficerPersonClaimed',
  data: { fiscalCode, ...claimOf(istatCode, municipalityVersion), claimedBy: 'cf:admin' },
});
const claim = (
  istatCode: string,
  checked: ClaimOfficerPerson['checked'] = null,
  legacyMunicipality: string | null = null,
): ClaimOfficerPerson => ({
  type: 'ClaimOfficerPerson',
  fiscalCode,
  istatCode,
  municipalityVersion: 3,
  adminId: 'cf:admin',
  now,
  checked,
  legacyMunicipality,
});
const fresh = (istatCode: string): OfficerPersonEvent => ({
  type: 'OfficerPersonClaimed',
  data: {
    fiscalCode,
    istatCode,
    municipalityVersion: 3,
    claimedBy: 'cf:admin',
    claimedAt: now.toISOString(),
  },
});

describe('one person, one municipality', () => {
  it('claims a person no municipality has', () =>
    spec
      .given([])
      .when(claim('072006'))
      .then([fresh('072006')]));

  it('refuses a person claimed for another municipality, whose association stands', () => {
    spec
      .given([claimed('072006')])
      .when(claim('075035'))
      .thenThrows('AlreadyOfficer');
    spec
      .given([claimed('072006')])
      .when(claim('075035', { claim: claimOf('072006'), standing: 'assigned' }))
      .thenThrows('AlreadyOfficer', 'codiceFiscale');
    // An assignment on its way counts as standing: this is the race two admins run.
    spec
      .given([claimed('072006')])
      .when(claim('075035', { claim: claimOf('072006'), standing: 'pending' }))
      .thenThrows('AlreadyOfficer');
  });

  it('refuses when the claim checked is no longer the current one', () =>
    spec
      .given([claimed('072006', 0), claimed('072004', 7)])
      .when(claim('075035', { claim: claimOf('072006', 0), standing: 'ended' }))
      .thenThrows('AlreadyOfficer'));

  it('moves a person whose association has ended: the old claim released as an event', () =>
    spec
      .given([claimed('072006')])
      .when(claim('075035', { claim: claimOf('072006'), standing: 'ended' }))
      .then([
        {
          type: 'OfficerPersonReleased',
          data: {
            fiscalCode,
            istatCode: '072006',
            releasedBy: 'cf:admin',
            reason: 'Associazione precedente già chiusa',
          },
        },
        fresh('075035'),
      ]));

  it('leaves the same municipality to its own stream, or claims again after an end', () => {
    spec
      .given([claimed('072006')])
      .when(claim('072006'))
      .then([]);
    spec
      .given([claimed('072006')])
      .when(claim('072006', { claim: claimOf('072006'), standing: 'ended' }))
      .then([fresh('072006')]);
  });

  it('refuses a person the read model knows elsewhere (associations before these streams)', () =>
    spec
      .given([])
      .when(claim('075035', null, '072006'))
      .thenThrows('AlreadyOfficer'));

  it('releases only the claim it made', () => {
    const release = {
      type: 'ReleaseOfficerPerson' as const,
      fiscalCode,
      claim: claimOf('072006'),
      adminId: 'cf:admin',
      reason: 'Associazione non completata',
    };
    spec
      .given([claimed('072006')])
      .when(release)
      .then([
        {
          type: 'OfficerPersonReleased',
          data: {
            fiscalCode,
            istatCode: '072006',
            releasedBy: 'cf:admin',
            reason: 'Associazione non completata',
          },
        },
      ]);
    spec
      .given([claimed('072006', 5)])
      .when(release)
      .then([]);
  });
});

describe('where a claim stands', () => {
  const assigned = (code: string): OfficerEvent => ({
    type: 'OfficerAssigned',
    data: { istatCode: '072006', fiscalCode: code, email: 'a@comune.bari.it', assignedBy: 'x' },
  });
  const ended = (code: string): OfficerEvent => ({
    type: 'OfficerAssignmentEnded',
    data: { istatCode: '072006', fiscalCode: code, endedBy: 'x', reason: 'Sostituito' },
  });
  const claim = claimOf('072006');
  it('follows the municipality’s events after the claim, for this person only', () => {
    expect(claimStanding(claim, fiscalCode, [assigned(fiscalCode)], now)).toBe('assigned');
    expect(claimStanding(claim, fiscalCode, [assigned(fiscalCode), ended(fiscalCode)], now)).toBe(
      'ended',
    );
    expect(claimStanding(claim, fiscalCode, [assigned('BNCLCU85M41E506C')], now)).toBe('pending');
  });
  it('counts a claim without its assignment after ten minutes as abandoned', () => {
    expect(claimStanding(claim, fiscalCode, [], new Date('2026-11-20T10:09:00Z'))).toBe('pending');
    expect(claimStanding(claim, fiscalCode, [], new Date('2026-11-20T10:10:00Z'))).toBe(
      'abandoned',
    );
  });
});
