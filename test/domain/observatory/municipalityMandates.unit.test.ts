import { describe, expect, it } from 'vitest';
import { defaultInstitutionalDomains } from '../../../domain/observatory/institutionalEmail.js';
import {
  delegationCovers,
  type AuthoriseSecondUser,
  type DelegateFiling,
} from '../../../domain/observatory/municipalityMandates.js';
import {
  officerDecider,
  type OfficerEvent,
} from '../../../domain/observatory/municipalityOfficer.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const mario = 'RSSMRA80A01A662X';
const lucia = 'BNCLCU85M41E506Z';
const gino = 'VRDGPP70C15F205N';
const today = '2026-11-20';
const spec = deciderSpec(officerDecider);

const assigned: OfficerEvent = {
  type: 'OfficerAssigned',
  data: {
    istatCode: '072006',
    fiscalCode: mario,
    email: 'ambiente@comune.bari.it',
    assignedBy: 'cf:admin',
  },
};
const authorise = (overrides: Partial<AuthoriseSecondUser> = {}): AuthoriseSecondUser => ({
  type: 'AuthoriseSecondUser',
  istatCode: '072006',
  adminId: 'cf:admin',
  fiscalCode: lucia,
  email: 'Lucia@Comune.Bari.it',
  documentReference: ' Prot. 123/2026 ',
  reason: 'Assenza prolungata della referente',
  expiresOn: '2027-06-30',
  today,
  institutionalDomains: defaultInstitutionalDomains,
  ...overrides,
});
const authorised = (expiresOn = '2027-06-30'): OfficerEvent => ({
  type: 'SecondUserAuthorised',
  data: {
    istatCode: '072006',
    fiscalCode: lucia,
    email: 'lucia@comune.bari.it',
    documentReference: 'Prot. 123/2026',
    reason: 'Assenza prolungata della referente',
    expiresOn,
    authorisedBy: 'cf:admin',
  },
});
const delegationId = '4f1c2a7e-9d1b-4c55-8a43-2f5b0c6d7e81';
const delegate = (overrides: Partial<DelegateFiling> = {}): DelegateFiling => ({
  type: 'DelegateFiling',
  istatCode: '072006',
  delegationId,
  byFiscalCode: mario,
  fiscalCode: gino,
  email: 'Gino@Gestore.example',
  collector: 'Ecologia Bari S.p.A.',
  fromMonth: '2026-11',
  toMonth: '2027-10',
  today,
  ...overrides,
});
const delegated: OfficerEvent = {
  type: 'FilingDelegated',
  data: {
    istatCode: '072006',
    delegationId,
    fiscalCode: gino,
    email: 'gino@gestore.example',
    collector: 'Ecologia Bari S.p.A.',
    fromMonth: '2026-11',
    toMonth: '2027-10',
    delegatedBy: `cf:${mario}`,
  },
};

describe('a second user, only by the Region’s authorisation', () => {
  it('records the document, the reason and the expiry', () =>
    spec.given([assigned]).when(authorise()).then([authorised()]));
  it('needs the responsible user first', () =>
    spec.given([]).when(authorise()).thenThrows('NoOfficer', 'codiceFiscale'));
  it('refuses the responsible user, or one already authorised', () => {
    spec
      .given([assigned])
      .when(authorise({ fiscalCode: mario }))
      .thenThrows('AlreadyOfficer');
    spec.given([assigned, authorised()]).when(authorise()).thenThrows('AlreadyOfficer');
  });
  it('renews an expired authorisation', () =>
    spec
      .given([assigned, authorised('2026-10-31')])
      .when(authorise())
      .then([authorised()]));
  it('keeps the institutional address rule', () =>
    spec
      .given([assigned])
      .when(authorise({ email: 'lucia@gmail.com' }))
      .thenThrows('EmailNotInstitutional', 'email'));
  it('needs a document reference and a reason', () => {
    spec
      .given([assigned])
      .when(authorise({ documentReference: ' ' }))
      .thenThrows('DocumentRequired', 'documento');
    spec
      .given([assigned])
      .when(authorise({ reason: 'boh' }))
      .thenThrows('ReasonRequired', 'motivo');
  });
  it('needs a real expiry after today and within three years', () => {
    for (const expiresOn of ['', '2026-02-30', today, '2026-11-19', '2029-11-21']) {
      spec
        .given([assigned])
        .when(authorise({ expiresOn }))
        .thenThrows('ExpiryOutOfRange', 'scadenza');
    }
    spec
      .given([assigned])
      .when(authorise({ expiresOn: '2029-11-20' }))
      .then([authorised('2029-11-20')]);
  });
  it('ends with a reason; the second user who becomes responsible keeps no authorisation', () => {
    const end = {
      type: 'EndSecondUserAuthorisation',
      istatCode: '072006',
      adminId: 'cf:admin',
      fiscalCode: lucia,
      reason: 'Rientrata la referente',
    } as const;
    spec
      .given([assigned, authorised()])
      .when(end)
      .then([
        {
          type: 'SecondUserAuthorisationEnded',
          data: {
            istatCode: '072006',
            fiscalCode: lucia,
            endedBy: 'cf:admin',
            reason: 'Rientrata la referente',
          },
        },
      ]);
    spec
      .given([assigned, authorised()])
      .when({ ...end, reason: 'no' })
      .thenThrows('ReasonRequired');
    // Made the responsible user, the second user's authorisation ends, as an event.
    const promotion = officerDecider.decide(
      {
        type: 'AssignOfficer',
        istatCode: '072006',
        fiscalCode: lucia,
        email: 'lucia@comune.bari.it',
        reason: 'Nuova referente del comune',
        adminId: 'cf:admin',
        institutionalDomains: defaultInstitutionalDomains,
      },
      fold(officerDecider, [assigned, authorised()]),
    );
    expect(promotion.map((event) => event.type)).toEqual([
      'OfficerAssignmentEnded',
      'SecondUserAuthorisationEnded',
      'OfficerAssigned',
    ]);
    expect(promotion[1]).toMatchObject({
      data: { fiscalCode: lucia, reason: 'Diventato utente responsabile del comune' },
    });
    spec
      .given([assigned, authorised(), ...promotion])
      .when(end)
      .thenThrows('NoAuthorisation');
  });
  it('takes the place of the person’s delegation, which is revoked as an event', () =>
    spec
      .given([assigned, { ...delegated, data: { ...delegated.data, fiscalCode: lucia } }])
      .when(authorise())
      .then([
        {
          type: 'FilingDelegationRevoked',
          data: {
            istatCode: '072006',
            delegationId,
            fiscalCode: lucia,
            email: 'gino@gestore.example',
            revokedBy: 'cf:admin',
            reason: 'Autorizzato come secondo utente del comune',
          },
        },
        authorised(),
      ]));
});

describe('delegation to the collector’s people', () => {
  it('is granted by the municipality’s user, any e-mail domain, for a period', () =>
    spec.given([assigned]).when(delegate()).then([delegated]));
  it('is granted by a second user while authorised, not after', () => {
    const bySecond = delegate({ byFiscalCode: lucia, toMonth: '2027-06' });
    spec
      .given([assigned, authorised()])
      .when(bySecond)
      .then([
        {
          ...delegated,
          data: { ...delegated.data, toMonth: '2027-06', delegatedBy: `cf:${lucia}` },
        },
      ]);
    // No further than the second user's own authorisation runs (30 June 2027).
    spec
      .given([assigned, authorised()])
      .when({ ...bySecond, toMonth: '2027-07' })
      .thenThrows('PeriodOutOfRange', 'al');
    spec
      .given([assigned, authorised('2026-11-19')])
      .when(bySecond)
      .thenThrows('NotOfficer');
  });
  it('cannot be granted by a delegate, nor to the municipality’s own user', () => {
    const other = 'PLLGNN80A01H501X';
    spec
      .given([assigned, delegated])
      .when(delegate({ byFiscalCode: gino, fiscalCode: other }))
      .thenThrows('NotOfficer');
    spec
      .given([assigned])
      .when(delegate({ fiscalCode: mario }))
      .thenThrows('AlreadyOfficer', 'codiceFiscale');
  });
  it('never reuses a live delegation’s id', () =>
    spec
      .given([assigned, delegated])
      .when(delegate({ fiscalCode: 'PLLGNN80A01H501X' }))
      .thenThrows('AlreadyDelegated'));
  it('is one live delegation per person', () =>
    spec
      .given([assigned, delegated])
      .when(delegate({ delegationId: 'another' }))
      .thenThrows('AlreadyDelegated', 'codiceFiscale'));
  it('names the collector', () =>
    spec
      .given([assigned])
      .when(delegate({ collector: ' ' }))
      .thenThrows('CompanyRequired', 'gestore'));
  it('covers an ordered period of at most 24 months, not entirely past', () => {
    spec
      .given([assigned])
      .when(delegate({ fromMonth: '2027-02', toMonth: '2027-01' }))
      .thenThrows('PeriodOutOfRange', 'al');
    spec
      .given([assigned])
      .when(delegate({ toMonth: '2028-11' }))
      .thenThrows('PeriodOutOfRange', 'al');
    spec
      .given([assigned])
      .when(delegate({ fromMonth: '2026-01', toMonth: '2026-09' }))
      .thenThrows('PeriodOutOfRange', 'al');
    // The month just ended is still to be filed: a delegation for it alone is fine.
    spec
      .given([assigned])
      .when(delegate({ fromMonth: '2026-10', toMonth: '2026-10' }))
      .then([
        { ...delegated, data: { ...delegated.data, fromMonth: '2026-10', toMonth: '2026-10' } },
      ]);
  });
  it('is revoked by the municipality’s user with a reason, once', () => {
    const revoke = {
      type: 'RevokeFilingDelegation',
      istatCode: '072006',
      delegationId,
      byFiscalCode: mario,
      reason: 'Cambio del gestore della raccolta',
      today,
    } as const;
    const revoked: OfficerEvent = {
      type: 'FilingDelegationRevoked',
      data: {
        istatCode: '072006',
        delegationId,
        fiscalCode: gino,
        email: 'gino@gestore.example',
        revokedBy: `cf:${mario}`,
        reason: 'Cambio del gestore della raccolta',
      },
    };
    spec.given([assigned, delegated]).when(revoke).then([revoked]);
    spec.given([assigned, delegated, revoked]).when(revoke).thenThrows('NoDelegation');
    spec
      .given([assigned, delegated])
      .when({ ...revoke, byFiscalCode: gino })
      .thenThrows('NotOfficer');
    spec
      .given([assigned, delegated])
      .when({ ...revoke, reason: 'no' })
      .thenThrows('ReasonRequired');
    // A new delegation for the same person after the revocation.
    spec
      .given([assigned, delegated, revoked])
      .when(delegate({ delegationId: 'again' }))
      .then([{ ...delegated, data: { ...delegated.data, delegationId: 'again' } }]);
  });
  it('lets its person file the months of its period only', () => {
    const period = { fiscalCode: gino, email: '', fromMonth: '2026-11', toMonth: '2027-10' };
    expect(
      ['2026-10', '2026-11', '2027-10', '2027-11'].map((m) => delegationCovers(period, m)),
    ).toEqual([false, true, true, false]);
  });
});
