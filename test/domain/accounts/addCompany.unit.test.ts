import { describe, expect, it } from 'vitest';
import { accountDecider } from '../../../domain/accounts/accountDecider.js';
import type { AccountEvent, CompanyDetails } from '../../../domain/accounts/accountEvents.js';
import type { AddCompany } from '../../../domain/accounts/addCompany.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import { approved, founderJoined, otpIssued, registered, verified } from './fixtures.js';

const spec = deciderSpec(accountDecider);
/** A consultant (studio) whose registration the operators accepted, with one company. */
const active = [registered, otpIssued(), verified, approved, founderJoined];
const details: CompanyDetails = {
  name: 'Conceria Reno SRL',
  taxId: '00743110157',
  phone: '051 123456',
  email: null,
  pec: 'conceria@pec.it',
};
const add = (overrides: Partial<AddCompany> = {}): AddCompany => ({
  type: 'AddCompany',
  customerCode: '2002345678',
  details,
  addedBy: 'acc-1',
  role: 'compilatore',
  currentPasswordOk: true,
  ...overrides,
});
const added: AccountEvent = {
  type: 'CompanyAdded',
  data: { customerCode: '2002345678', details, addedBy: 'acc-1' },
};

describe('AddCompany («+ Aggiungi ditta»)', () => {
  it('takes on another company with its identity, beside the registered one', () => {
    spec.given(active).when(add()).then([added]);
    const after = fold(accountDecider, [...active, added]);
    expect(after.companies.map((company) => company.customerCode)).toEqual([
      '1001234567',
      '2002345678',
    ]);
    expect(after.companies[1]).toMatchObject({ ...details, contracts: [] });
  });

  it('refuses a company already managed, beside the customer code', () =>
    spec
      .given([...active, added])
      .when(add())
      .thenThrows('CompanyKnown', 'customerCode'));

  it('needs the password, and a role that prepares declarations', () => {
    spec
      .given(active)
      .when(add({ currentPasswordOk: false }))
      .thenThrows('WrongPassword', 'currentPassword');
    spec
      .given(active)
      .when(add({ role: 'lettore' }))
      .thenThrows('RoleForbids');
  });

  it('is for an organisation that manages companies for others, not a Ditta', () => {
    const { data } = registered as Extract<AccountEvent, { type: 'ReferentRegistered' }>;
    const ditta: AccountEvent = { type: 'ReferentRegistered', data: { ...data, kind: 'ditta' } };
    spec
      .given([ditta, otpIssued(), verified, approved, founderJoined])
      .when(add())
      .thenThrows('NotStudio');
  });
});
