import { describe, expect, it } from 'vitest';
import { accountDecider } from '../../../domain/accounts/accountDecider.js';
import type { AccountEvent, CompanyDetails } from '../../../domain/accounts/accountEvents.js';
import {
  detailsOf,
  type RequestCompanyDetailsChange,
} from '../../../domain/accounts/changeCompanyDetails.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import { approved, company, founderJoined, otpIssued, registered, verified } from './fixtures.js';

const spec = deciderSpec(accountDecider);
const active = [registered, otpIssued(), verified, approved, founderJoined];
const previous = detailsOf(company());
const details: CompanyDetails = { ...previous, name: 'Test Due SRL', pec: 'due@pec.it' };
const request = (
  overrides: Partial<RequestCompanyDetailsChange> = {},
): RequestCompanyDetailsChange => ({
  type: 'RequestCompanyDetailsChange',
  customerCode: '1001234567',
  details,
  requestedBy: 'acc-1',
  role: 'amministratore',
  currentPasswordOk: true,
  ...overrides,
});
const requested: AccountEvent = {
  type: 'CompanyDetailsChangeRequested',
  data: { customerCode: '1001234567', previous, details, requestedBy: 'acc-1' },
};
const changed: AccountEvent = { ...requested, type: 'CompanyDetailsChanged' };

describe('RequestCompanyDetailsChange', () => {
  it('records the new identity beside the one in force, for an operator to validate', () => {
    spec.given(active).when(request()).then([requested]);
  });

  it('keeps the identity in force until an operator validates the new one', () => {
    const waiting = fold(accountDecider, [...active, requested]);
    expect(waiting.companies[0]!.name).toBe('Test SRL');
    expect(waiting.companyChanges).toEqual([
      { customerCode: '1001234567', details, requestedBy: 'acc-1' },
    ]);
    const validated = fold(accountDecider, [...active, requested, changed]);
    expect(validated.companies[0]).toMatchObject({ ...details, customerCode: '1001234567' });
    expect(validated.companies[0]!.contracts).toHaveLength(1);
    expect(validated.companyChanges).toEqual([]);
  });

  it('needs the current password: a wrong one records nothing', () => {
    spec
      .given(active)
      .when(request({ currentPasswordOk: false }))
      .thenThrows('WrongPassword', 'currentPassword');
  });

  it('is an administrator’s decision', () => {
    spec
      .given(active)
      .when(request({ role: 'compilatore' }))
      .thenThrows('RoleForbids');
  });

  it('knows only the organisation’s own companies', () => {
    spec
      .given(active)
      .when(request({ customerCode: '1009999999' }))
      .thenThrows('CompanyUnknown');
  });

  it('waits for one decision at a time, and refuses what changes nothing', () => {
    spec
      .given([...active, requested])
      .when(request())
      .thenThrows('CompanyChangePending', 'name');
    spec
      .given(active)
      .when(request({ details: previous }))
      .thenThrows('NothingChanged', 'name');
  });
});

describe('ValidateCompanyDetailsChange and RejectCompanyDetailsChange', () => {
  const validate = { type: 'ValidateCompanyDetailsChange' as const, customerCode: '1001234567' };
  const reject = (reason: string) => ({
    type: 'RejectCompanyDetailsChange' as const,
    customerCode: '1001234567',
    reason,
  });

  it('validating records the old and the new identity', () => {
    spec
      .given([...active, requested])
      .when(validate)
      .then([changed]);
  });

  it('rejecting needs a reason, and leaves the identity in force', () => {
    spec
      .given([...active, requested])
      .when(reject('  no '))
      .thenThrows('ReasonRequired', 'reason');
    spec
      .given([...active, requested])
      .when(reject('Visura non coerente'))
      .then([
        {
          type: 'CompanyDetailsChangeRejected',
          data: {
            customerCode: '1001234567',
            details,
            requestedBy: 'acc-1',
            reason: 'Visura non coerente',
          },
        },
      ]);
  });

  it('decides only a change that is waiting', () => {
    spec.given(active).when(validate).thenThrows('NoCompanyChange');
    spec
      .given([...active, requested, changed])
      .when(reject('Troppo tardi'))
      .thenThrows('NoCompanyChange');
  });
});
