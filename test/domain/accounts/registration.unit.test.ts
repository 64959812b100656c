import { describe, it } from 'vitest';
import { accountDecider } from '../../../domain/accounts/accountDecider.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import {
  approved,
  company,
  founderJoined,
  otpIssued,
  registered,
  registration,
  t0,
  verified,
} from './fixtures.js';

const spec = deciderSpec(accountDecider);

describe('RegisterReferent', () => {
  it('records the referent, the companies and contracts, and issues a code valid 15 minutes', () => {
    spec
      .given([])
      .when(registration())
      .then([registered, otpIssued('ch-1', t0)]);
  });

  it('refuses a second registration on the same account', () => {
    spec.given([registered]).when(registration()).thenThrows('AccountAlreadyExists');
  });

  it('needs at least one company', () => {
    spec
      .given([])
      .when(registration({ companies: [] }))
      .thenThrows('CompanyRequired');
  });

  it('lets a Ditta declare one company only', () => {
    spec
      .given([])
      .when(
        registration({
          kind: 'ditta',
          companies: [company('1001234567'), company('1007654321', ['3007654321'])],
        }),
      )
      .thenThrows('DittaHasOneCompany');
  });

  it('lets a Studio declare several companies', () => {
    const companies = [company('1001234567'), company('1007654321', ['3007654321'])];
    spec
      .given([])
      .when(registration({ companies }))
      .then([
        { ...registered, data: { ...registered.data, companies } } as typeof registered,
        otpIssued(),
      ]);
  });

  it('needs a contract for every company', () => {
    spec
      .given([])
      .when(registration({ companies: [company('1001234567', [])] }))
      .thenThrows('ContractRequired');
  });

  it('refuses the same contract twice', () => {
    spec
      .given([])
      .when(registration({ companies: [company('1001234567', ['3001234567', '3001234567'])] }))
      .thenThrows('DuplicateContract');
  });

  it('refuses a (customer code, contract) pair missing from the utility registry', () => {
    spec
      .given([])
      .when(registration({ notInRegistry: ['3001234567'] }))
      .thenThrows('ContractNotInRegistry');
  });
});

describe('ApproveRegistration and RejectRegistration', () => {
  it('approves a verified registration, its registrant the first administrator', () => {
    spec
      .given([registered, otpIssued(), verified])
      .when({ type: 'ApproveRegistration', note: ' ' })
      .then([approved, founderJoined]);
  });

  it('does not approve before the e-mail is confirmed', () => {
    spec
      .given([registered, otpIssued()])
      .when({ type: 'ApproveRegistration', note: null })
      .thenThrows('NotAwaitingApproval');
  });

  it('does not decide twice', () => {
    spec
      .given([registered, otpIssued(), verified, approved])
      .when({ type: 'RejectRegistration', reason: 'Dati errati' })
      .thenThrows('NotAwaitingApproval');
  });

  it('rejects with a reason', () => {
    spec
      .given([registered, otpIssued(), verified])
      .when({ type: 'RejectRegistration', reason: '  Contratto non intestato alla ditta  ' })
      .then([
        { type: 'RegistrationRejected', data: { reason: 'Contratto non intestato alla ditta' } },
      ]);
  });

  it('needs a reason to reject', () => {
    spec
      .given([registered, otpIssued(), verified])
      .when({ type: 'RejectRegistration', reason: 'no' })
      .thenThrows('ReasonRequired', 'reason');
  });
});
