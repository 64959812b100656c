import { describe, expect, it } from 'vitest';
import { isInstitutionalEmail } from '../../../domain/observatory/institutionalEmail.js';
import {
  officerDecider,
  type AssignOfficer,
  type OfficerEvent,
} from '../../../domain/observatory/municipalityOfficer.js';
import { observatoryAdminsDecider } from '../../../domain/observatory/observatoryAdmins.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const domains = ['comune.*.it', '*.comune.*.it'];
const assign = (
  fiscalCode: string,
  email = 'ambiente@comune.bari.it',
  elsewhere: string | null = null,
): AssignOfficer => ({
  type: 'AssignOfficer',
  istatCode: '072006',
  fiscalCode,
  email,
  adminId: 'cf:admin',
  institutionalDomains: domains,
  officerElsewhere: elsewhere,
});
const assigned = (fiscalCode: string): OfficerEvent => ({
  type: 'OfficerAssigned',
  data: {
    istatCode: '072006',
    fiscalCode,
    email: 'ambiente@comune.bari.it',
    assignedBy: 'cf:admin',
  },
});

describe('one user per municipality', () => {
  const spec = deciderSpec(officerDecider);
  it('associates a fiscal code with an institutional address', () =>
    spec
      .given([])
      .when(assign('RSSMRA80A01A662X'))
      .then([assigned('RSSMRA80A01A662X')]));
  it('replaces the current user, ending the old association as an event', () =>
    spec
      .given([assigned('RSSMRA80A01A662X')])
      .when(assign('BNCLCU85M41E506Z'))
      .then([
        {
          type: 'OfficerAssignmentEnded',
          data: {
            istatCode: '072006',
            fiscalCode: 'RSSMRA80A01A662X',
            endedBy: 'cf:admin',
            reason: 'Sostituito da un nuovo utente',
          },
        },
        assigned('BNCLCU85M41E506Z'),
      ]));
  it('refuses a non-institutional address', () =>
    spec
      .given([])
      .when(assign('RSSMRA80A01A662X', 'mario@gmail.com'))
      .thenThrows('EmailNotInstitutional', 'email'));
  it('refuses a person already serving another municipality', () =>
    spec
      .given([])
      .when(assign('RSSMRA80A01A662X', undefined, 'Lecce'))
      .thenThrows('AlreadyOfficer', 'codiceFiscale'));
});

describe('institutional e-mail rule', () => {
  it('accepts the configured patterns only', () => {
    expect(isInstitutionalEmail('protocollo@comune.bari.it', domains)).toBe(true);
    expect(isInstitutionalEmail('ufficio@pec.comune.lecce.it', domains)).toBe(true);
    expect(isInstitutionalEmail('mario@gmail.com', domains)).toBe(false);
    expect(isInstitutionalEmail('x@comune.bari.it.evil.com', domains)).toBe(false);
  });
});

describe('observatory admins', () => {
  const spec = deciderSpec(observatoryAdminsDecider);
  const granted = {
    type: 'ObservatoryAdminGranted' as const,
    data: { fiscalCode: 'VRDGPP70C15F205X', grantedBy: 'cli' },
  };
  it('grants once and never revokes the last', () => {
    spec
      .given([])
      .when({ type: 'GrantObservatoryAdmin', fiscalCode: 'VRDGPP70C15F205X', by: 'cli' })
      .then([granted]);
    spec
      .given([granted])
      .when({ type: 'GrantObservatoryAdmin', fiscalCode: 'VRDGPP70C15F205X', by: 'cli' })
      .thenThrows('AlreadyAdmin');
    spec
      .given([granted])
      .when({ type: 'RevokeObservatoryAdmin', fiscalCode: 'VRDGPP70C15F205X', by: 'cli' })
      .thenThrows('LastAdmin');
  });
});
