import { describe, expect, it } from 'vitest';
import { mayFile, mayRead } from '../../../domain/contracts/contract.js';
import { contractDecider } from '../../../domain/contracts/contractDecider.js';
import type { ContractEvent, Party } from '../../../domain/contracts/contractEvents.js';
import type { DeclareContract } from '../../../domain/contracts/declareContract.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const spec = deciderSpec(contractDecider);
const studio: Party = { accountId: 'studio-1', kind: 'studio' };
const ditta: Party = { accountId: 'ditta-1', kind: 'ditta' };
const plant = {
  street: 'Via Vai',
  civic: '1',
  cap: '40100',
  province: 'BO',
  municipality: 'Bologna',
};
const declare = (by: Party, overrides: Partial<DeclareContract> = {}): DeclareContract => ({
  type: 'DeclareContract',
  contractNumber: '3001234567',
  customerCode: '1001234567',
  companyName: 'Test SRL',
  plant,
  declaredBy: by,
  inRegistry: true,
  ...overrides,
});
const declared = (by: Party): ContractEvent => ({
  type: 'ContractDeclared',
  data: {
    contractNumber: '3001234567',
    customerCode: '1001234567',
    companyName: 'Test SRL',
    plant,
    declaredBy: by,
  },
});
const validated: ContractEvent = { type: 'ContractValidated', data: { note: null } };
const ownerLinked: ContractEvent = {
  type: 'ContractOwnerLinked',
  data: { ownerAccountId: 'ditta-1' },
};
const claimed: ContractEvent = {
  type: 'ContractClaimed',
  data: { previousManagerId: 'studio-1', managerId: 'ditta-1' },
};
const byStudioOwnedByDitta = [declared(studio), validated, ownerLinked];

describe('DeclareContract', () => {
  it('records a contract known to the registry, waiting for an operator', () => {
    spec
      .given([])
      .when(declare(studio))
      .then([declared(studio)]);
  });

  it('refuses a pair missing from the registry', () => {
    spec
      .given([])
      .when(declare(studio, { inRegistry: false }))
      .thenThrows('ContractNotInRegistry', 'contractNumber');
  });

  it('makes the company the owner when it declares a contract a consultant manages', () => {
    spec
      .given([declared(studio), validated])
      .when(declare(ditta))
      .then([ownerLinked]);
  });

  it('refuses a second consultant', () => {
    spec
      .given([declared(studio)])
      .when(declare({ accountId: 'studio-2', kind: 'studio' }))
      .thenThrows('ContractManagedByOther');
  });

  it('is idempotent for the one who declared it', () => {
    spec
      .given([declared(studio)])
      .when(declare(studio))
      .then([]);
  });

  it('can be declared again after a rejection', () => {
    spec
      .given([declared(studio), { type: 'ContractRejected', data: { reason: 'Numero errato' } }])
      .when(declare(ditta))
      .then([declared(ditta)]);
  });
});

describe('ValidateContract and RejectContract', () => {
  it('validates a pending contract once', () => {
    spec
      .given([declared(studio)])
      .when({ type: 'ValidateContract', note: '' })
      .then([validated]);
    spec
      .given([declared(studio), validated])
      .when({ type: 'ValidateContract', note: null })
      .thenThrows('ContractNotPending');
  });

  it('rejects with a reason', () => {
    spec
      .given([declared(studio)])
      .when({ type: 'RejectContract', reason: 'x' })
      .thenThrows('ReasonRequired', 'reason');
  });
});

describe('ClaimContract ("Gestisci contratto")', () => {
  it('lets the owner company take over from the consultant', () => {
    spec
      .given(byStudioOwnedByDitta)
      .when({ type: 'ClaimContract', accountId: 'ditta-1' })
      .then([claimed]);
  });

  it('is refused to anyone but the owner', () => {
    spec
      .given(byStudioOwnedByDitta)
      .when({ type: 'ClaimContract', accountId: 'studio-2' })
      .thenThrows('NotOwner');
  });

  it('is refused when the company already manages it', () => {
    spec
      .given([...byStudioOwnedByDitta, claimed])
      .when({ type: 'ClaimContract', accountId: 'ditta-1' })
      .thenThrows('AlreadyManaging');
  });

  it('leaves the consultant read access but not filing', () => {
    const state = fold(contractDecider, [...byStudioOwnedByDitta, claimed]);
    expect(mayFile(state, 'studio-1')).toBe(false);
    expect(mayRead(state, 'studio-1')).toBe(true);
    expect(mayFile(state, 'ditta-1')).toBe(true);
    expect(mayRead(state, 'studio-2')).toBe(false);
  });
});

describe('ReleaseContract, OfferContract and AcceptContract', () => {
  it('lets the consultant give the contract back to the owner', () => {
    spec
      .given(byStudioOwnedByDitta)
      .when({ type: 'ReleaseContract', accountId: 'studio-1' })
      .then([
        { type: 'ContractReleased', data: { previousManagerId: 'studio-1', managerId: 'ditta-1' } },
      ]);
    spec
      .given(byStudioOwnedByDitta)
      .when({ type: 'ReleaseContract', accountId: 'ditta-1' })
      .thenThrows('NotManager');
  });

  it('hands the contract to a consultant only when that consultant accepts', () => {
    const ownedAndManaged = [declared(ditta), validated];
    const offered: ContractEvent = {
      type: 'ContractDelegationOffered',
      data: { toAccountId: 'studio-1' },
    };
    spec
      .given(ownedAndManaged)
      .when({ type: 'OfferContract', accountId: 'ditta-1', toAccountId: 'studio-1' })
      .then([offered]);
    spec
      .given([...ownedAndManaged, offered])
      .when({ type: 'AcceptContract', accountId: 'studio-2' })
      .thenThrows('NoOffer');
    spec
      .given([...ownedAndManaged, offered])
      .when({ type: 'AcceptContract', accountId: 'studio-1' })
      .then([
        {
          type: 'ContractDelegationAccepted',
          data: { previousManagerId: 'ditta-1', managerId: 'studio-1' },
        },
      ]);
  });

  it('is refused on an unknown contract', () => {
    spec
      .given([])
      .when({ type: 'ClaimContract', accountId: 'ditta-1' })
      .thenThrows('ContractUnknown');
  });
});
