import { describe, expect, it } from 'vitest';
import {
  defaultInstitutionalDomains,
  domainLabels,
  isInstitutionalEmail,
} from '../../../domain/observatory/institutionalEmail.js';
import {
  officerDecider,
  type AssignOfficer,
  type OfficerEvent,
} from '../../../domain/observatory/municipalityOfficer.js';
import { observatoryAdminsDecider } from '../../../domain/observatory/observatoryAdmins.js';
import { municipalityByIstat } from '../../../domain/observatory/reference/municipalities.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const domains = defaultInstitutionalDomains;
const assign = (
  fiscalCode: string,
  email = 'ambiente@comune.bari.it',
  istatCode = '072006',
): AssignOfficer => ({
  type: 'AssignOfficer',
  istatCode,
  fiscalCode,
  email,
  reason: 'Richiesta del comune',
  adminId: 'cf:admin',
  institutionalDomains: domains,
});
const assigned = (fiscalCode: string, email = 'ambiente@comune.bari.it'): OfficerEvent => ({
  type: 'OfficerAssigned',
  data: {
    istatCode: '072006',
    fiscalCode,
    email,
    assignedBy: 'cf:admin',
    reason: 'Richiesta del comune',
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
  it('refuses another municipality’s address: a Bari officer with @comune.lecce.it', () =>
    spec
      .given([])
      .when(assign('RSSMRA80A01A662X', 'ambiente@comune.lecce.it'))
      .thenThrows('EmailNotInstitutional', 'email'));
  it('accepts the municipality’s own comune.<name>.<province>.it domain', () =>
    spec
      .given([])
      .when(assign('RSSMRA80A01A662X', 'ambiente@comune.altamura.ba.it', '072004'))
      .then([
        {
          type: 'OfficerAssigned',
          data: {
            istatCode: '072004',
            fiscalCode: 'RSSMRA80A01A662X',
            email: 'ambiente@comune.altamura.ba.it',
            assignedBy: 'cf:admin',
            reason: 'Richiesta del comune',
          },
        },
      ]));
  it('needs a reason for the association', () =>
    spec
      .given([])
      .when({ ...assign('RSSMRA80A01A662X'), reason: ' corto ' })
      .thenThrows('ReasonRequired', 'motivo'));
  it('refuses the person already its user', () =>
    spec
      .given([assigned('RSSMRA80A01A662X')])
      .when(assign('RSSMRA80A01A662X'))
      .thenThrows('AlreadyOfficer', 'codiceFiscale'));
});

describe('EndOfficerAssignment', () => {
  const spec = deciderSpec(officerDecider);
  const end = (reason = 'Trasferito ad altro ufficio') =>
    ({ type: 'EndOfficerAssignment', istatCode: '072006', adminId: 'cf:admin', reason }) as const;
  it('ends the association with no one in its place, with the reason', () =>
    spec
      .given([assigned('RSSMRA80A01A662X')])
      .when(end())
      .then([
        {
          type: 'OfficerAssignmentEnded',
          data: {
            istatCode: '072006',
            fiscalCode: 'RSSMRA80A01A662X',
            endedBy: 'cf:admin',
            reason: 'Trasferito ad altro ufficio',
          },
        },
      ]));
  it('needs a reason', () =>
    spec
      .given([assigned('RSSMRA80A01A662X')])
      .when(end('boh'))
      .thenThrows('ReasonRequired', 'motivo'));
  it('needs a user to end', () => {
    spec.given([]).when(end()).thenThrows('NoOfficer');
    const endedOnce: OfficerEvent = {
      type: 'OfficerAssignmentEnded',
      data: { istatCode: '072006', fiscalCode: 'RSSMRA80A01A662X', endedBy: 'x', reason: 'y' },
    };
    spec
      .given([assigned('RSSMRA80A01A662X'), endedOnce])
      .when(end())
      .thenThrows('NoOfficer');
  });
});

describe('ChangeOfficerEmail', () => {
  const spec = deciderSpec(officerDecider);
  const change = (email: string, reason = 'Nuova casella dell’ufficio ambiente') =>
    ({
      type: 'ChangeOfficerEmail',
      istatCode: '072006',
      adminId: 'cf:admin',
      email,
      reason,
      institutionalDomains: domains,
    }) as const;
  it('records the new institutional address of the same person, with the old one', () =>
    spec
      .given([assigned('RSSMRA80A01A662X')])
      .when(change(' Rifiuti@Comune.Bari.it '))
      .then([
        {
          type: 'OfficerEmailChanged',
          data: {
            istatCode: '072006',
            fiscalCode: 'RSSMRA80A01A662X',
            email: 'rifiuti@comune.bari.it',
            previousEmail: 'ambiente@comune.bari.it',
            changedBy: 'cf:admin',
            reason: 'Nuova casella dell’ufficio ambiente',
          },
        },
      ]));
  it('keeps the rule of institutional addresses of the municipality', () =>
    spec
      .given([assigned('RSSMRA80A01A662X')])
      .when(change('mario@comune.lecce.it'))
      .thenThrows('EmailNotInstitutional', 'email'));
  it('refuses the same address, a missing reason, a municipality without user', () => {
    spec
      .given([assigned('RSSMRA80A01A662X')])
      .when(change('ambiente@comune.bari.it'))
      .thenThrows('SameEmail', 'email');
    spec
      .given([assigned('RSSMRA80A01A662X')])
      .when(change('rifiuti@comune.bari.it', ''))
      .thenThrows('ReasonRequired', 'motivo');
    spec.given([]).when(change('rifiuti@comune.bari.it')).thenThrows('NoOfficer');
  });
});

describe('institutional e-mail rule', () => {
  const bari = municipalityByIstat('072006')!;
  const santAgata = municipalityByIstat('071052')!;
  it('by default, accepts the municipality’s own domains and their subdomains only', () => {
    expect(isInstitutionalEmail('protocollo@comune.bari.it', domains, bari)).toBe(true);
    expect(isInstitutionalEmail('ufficio@comune.bari.ba.it', domains, bari)).toBe(true);
    expect(isInstitutionalEmail('ufficio@pec.comune.bari.it', domains, bari)).toBe(true);
    expect(isInstitutionalEmail('ufficio@comune.lecce.it', domains, bari)).toBe(false);
    expect(isInstitutionalEmail('ufficio@comune.bari.le.it', domains, bari)).toBe(false);
    expect(isInstitutionalEmail('mario@gmail.com', domains, bari)).toBe(false);
    expect(isInstitutionalEmail('x@comune.bari.it.evil.com', domains, bari)).toBe(false);
    expect(isInstitutionalEmail('x@comune.bari.it', domains)).toBe(false); // no municipality
  });
  it('spells names as domains do: accents dropped, words joined or hyphenated', () => {
    expect(santAgata.name).toBe("Sant'Agata di Puglia");
    expect(domainLabels(santAgata.name)).toEqual(['santagatadipuglia', 'sant-agata-di-puglia']);
    expect(domainLabels('Nardò')).toEqual(['nardo']);
    expect(isInstitutionalEmail('a@comune.santagatadipuglia.fg.it', domains, santAgata)).toBe(true);
    expect(isInstitutionalEmail('a@comune.sant-agata-di-puglia.it', domains, santAgata)).toBe(true);
  });
  it('still takes plain patterns from the configuration', () => {
    const any = ['comune.*.it', '*.comune.*.it'];
    expect(isInstitutionalEmail('ufficio@pec.comune.lecce.it', any, bari)).toBe(true);
    expect(isInstitutionalEmail('ufficio@comune.altamura.ba.it', any, bari)).toBe(false);
  });
});

describe('observatory admins', () => {
  const spec = deciderSpec(observatoryAdminsDecider);
  const granted = (fiscalCode = 'VRDGPP70C15F205X') => ({
    type: 'ObservatoryAdminGranted' as const,
    data: { fiscalCode, grantedBy: 'cli' },
  });
  const revoke = (fiscalCode: string, reason = 'Cambio di incarico in Regione') =>
    ({ type: 'RevokeObservatoryAdmin', fiscalCode, by: 'cf:admin', reason }) as const;
  it('grants once', () => {
    spec
      .given([])
      .when({ type: 'GrantObservatoryAdmin', fiscalCode: 'VRDGPP70C15F205X', by: 'cli' })
      .then([granted()]);
    spec
      .given([granted()])
      .when({ type: 'GrantObservatoryAdmin', fiscalCode: 'VRDGPP70C15F205X', by: 'cli' })
      .thenThrows('AlreadyAdmin');
  });
  it('revokes with a reason, never the last admin', () => {
    const two = [granted(), granted('RSSMRA80A01A662A')];
    spec
      .given(two)
      .when(revoke('VRDGPP70C15F205X'))
      .then([
        {
          type: 'ObservatoryAdminRevoked',
          data: {
            fiscalCode: 'VRDGPP70C15F205X',
            revokedBy: 'cf:admin',
            reason: 'Cambio di incarico in Regione',
          },
        },
      ]);
    spec.given(two).when(revoke('VRDGPP70C15F205X', '')).thenThrows('ReasonRequired', 'motivo');
    spec.given([granted()]).when(revoke('VRDGPP70C15F205X')).thenThrows('LastAdmin');
    spec.given(two).when(revoke('BNCLCU85M41E506C')).thenThrows('NotAdmin');
  });
});
