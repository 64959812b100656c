import { describe, expect, it } from 'vitest';
import { mayFile, mayRead, mayReadDeclaration } from '../../../domain/contracts/contract.js';
import { contractDecider } from '../../../domain/contracts/contractDecider.js';
import type { ContractEvent, Party } from '../../../domain/contracts/contractEvents.js';
import type { DeclareContract } from '../../../domain/contracts/declareContract.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import {
  byStudioOwnedByDitta,
  claimed,
  declared,
  ditta,
  offered,
  ownedAndManaged,
  ownerLinked,
  plant,
  studio,
  validated,
  withdrawn,
} from './contractHistories.js';

const spec = deciderSpec(contractDecider);
const declare = (by: Party, overrides: Partial<DeclareContract> = {}): DeclareContract => ({
  type: 'DeclareContract',
  role: 'amministratore' as const,
  contractNumber: '3001234567',
  customerCode: '1001234567',
  companyName: 'Test SRL',
  plant,
  declaredBy: by,
  inRegistry: true,
  companyCustomerCodes: by.kind === 'ditta' ? ['1001234567'] : [],
  ...overrides,
});
const ownershipRequested: ContractEvent = {
  type: 'ContractOwnershipRequested',
  data: { ownerAccountId: 'ditta-1' },
};

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

  it('refuses a Ditta a contract of a customer code that is not its own', () => {
    spec
      .given([declared(studio), validated])
      .when(
        declare({ accountId: 'ditta-2', kind: 'ditta' }, { companyCustomerCodes: ['1009999999'] }),
      )
      .thenThrows('NotOwnCustomerCode', 'customerCode');
    spec
      .given([])
      .when(declare(ditta, { companyCustomerCodes: [] }))
      .thenThrows('NotOwnCustomerCode', 'customerCode');
  });

  it('makes the company ask to be the owner of its contract a consultant manages, for an operator to validate', () => {
    spec
      .given([declared(studio), validated])
      .when(declare(ditta))
      .then([ownershipRequested]);
    const asked = fold(contractDecider, [declared(studio), validated, ownershipRequested]);
    expect(asked.ownerAccountId).toBeNull();
    expect(mayRead(asked, 'ditta-1')).toBe(false);
  });

  it('is idempotent for a Ditta whose request is pending', () => {
    spec
      .given([declared(studio), validated, ownershipRequested])
      .when(declare(ditta))
      .then([]);
  });

  it('refuses a second Ditta while a request is pending, and any Ditta once an owner exists', () => {
    const other: Party = { accountId: 'ditta-2', kind: 'ditta' };
    spec
      .given([declared(studio), validated, ownershipRequested])
      .when(declare(other))
      .thenThrows('ContractManagedByOther');
    spec.given(byStudioOwnedByDitta).when(declare(other)).thenThrows('ContractManagedByOther');
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

  it('rejects a pending contract with its reason', () => {
    spec
      .given([declared(studio)])
      .when({ type: 'RejectContract', reason: '  Stabilimento cessato ' })
      .then([{ type: 'ContractRejected', data: { reason: 'Stabilimento cessato' } }]);
  });

  it('rejects only with a reason', () => {
    spec
      .given([declared(studio)])
      .when({ type: 'RejectContract', reason: 'x' })
      .thenThrows('ReasonRequired', 'reason');
  });

  it('rejects only a contract waiting for validation', () => {
    spec
      .given([declared(studio), validated])
      .when({ type: 'RejectContract', reason: 'Stabilimento cessato' })
      .thenThrows('ContractNotPending');
  });
});

describe('The owner: requested, validated, rejected, linked by an invitation', () => {
  const asked = [declared(studio), validated, ownershipRequested];

  it('validates the pending request: the company becomes the owner', () => {
    spec
      .given(asked)
      .when({ type: 'ValidateContractOwner', note: null })
      .then([
        { type: 'ContractOwnershipValidated', data: { ownerAccountId: 'ditta-1', note: null } },
      ]);
    const state = fold(contractDecider, [
      ...asked,
      { type: 'ContractOwnershipValidated', data: { ownerAccountId: 'ditta-1', note: null } },
    ]);
    expect(state.ownerAccountId).toBe('ditta-1');
    expect(state.ownerRequest).toBeNull();
  });

  it('rejects the request with a reason; nobody becomes the owner', () => {
    spec
      .given(asked)
      .when({ type: 'RejectContractOwner', reason: 'Codice cliente di altra ditta' })
      .then([
        {
          type: 'ContractOwnershipRejected',
          data: { ownerAccountId: 'ditta-1', reason: 'Codice cliente di altra ditta' },
        },
      ]);
    spec
      .given(asked)
      .when({ type: 'RejectContractOwner', reason: '' })
      .thenThrows('ReasonRequired');
  });

  it('has nothing to validate or reject without a request', () => {
    spec
      .given([declared(studio), validated])
      .when({ type: 'ValidateContractOwner', note: null })
      .thenThrows('NoOwnershipRequest');
    spec
      .given([declared(studio), validated])
      .when({ type: 'RejectContractOwner', reason: 'Nessuna richiesta' })
      .thenThrows('NoOwnershipRequest');
  });

  it('refuses to validate a request once another owner exists', () => {
    spec
      .given([
        ...asked,
        { type: 'ContractOwnerLinked', data: { ownerAccountId: 'ditta-invitata' } },
      ])
      .when({ type: 'ValidateContractOwner', note: null })
      .thenThrows('OwnerExists');
  });

  it('links the invited company as the owner, once', () => {
    const link = {
      type: 'LinkContractOwner' as const,
      ownerAccountId: 'ditta-1',
      customerCode: '1001234567',
    };
    spec
      .given([declared(studio), validated])
      .when(link)
      .then([ownerLinked]);
    spec.given(byStudioOwnedByDitta).when(link).then([]);
  });

  it('refuses the owner link when an owner exists', () => {
    spec
      .given(byStudioOwnedByDitta)
      .when({ type: 'LinkContractOwner', ownerAccountId: 'ditta-2', customerCode: '1001234567' })
      .thenThrows('OwnerExists');
  });

  it('refuses the owner link of another customer code, or of an unknown contract', () => {
    spec
      .given([declared(studio), validated])
      .when({ type: 'LinkContractOwner', ownerAccountId: 'ditta-2', customerCode: '1009999999' })
      .thenThrows('CustomerCodeMismatch');
    spec
      .given([])
      .when({ type: 'LinkContractOwner', ownerAccountId: 'ditta-2', customerCode: '1001234567' })
      .thenThrows('ContractUnknown');
  });
});

describe('ClaimContract ("Gestisci contratto")', () => {
  it('lets the owner company take over from the consultant', () => {
    spec
      .given(byStudioOwnedByDitta)
      .when({ type: 'ClaimContract', role: 'amministratore' as const, accountId: 'ditta-1' })
      .then([claimed]);
  });

  it('is refused to anyone but the owner', () => {
    spec
      .given(byStudioOwnedByDitta)
      .when({ type: 'ClaimContract', role: 'amministratore' as const, accountId: 'studio-2' })
      .thenThrows('NotOwner');
  });

  it('is refused to a Ditta whose ownership waits for the operator', () => {
    spec
      .given([declared(studio), validated, ownershipRequested])
      .when({ type: 'ClaimContract', role: 'amministratore' as const, accountId: 'ditta-1' })
      .thenThrows('NotOwner');
  });

  it('is refused when the company already manages it', () => {
    spec
      .given([...byStudioOwnedByDitta, claimed])
      .when({ type: 'ClaimContract', role: 'amministratore' as const, accountId: 'ditta-1' })
      .thenThrows('AlreadyManaging');
  });

  it('leaves the consultant its own declarations only: not filing, not the contract', () => {
    const state = fold(contractDecider, [...byStudioOwnedByDitta, claimed]);
    expect(mayFile(state, 'studio-1')).toBe(false);
    expect(mayRead(state, 'studio-1')).toBe(false);
    expect(mayFile(state, 'ditta-1')).toBe(true);
    expect(mayRead(state, 'ditta-1')).toBe(true);
    expect(mayRead(state, 'studio-2')).toBe(false);
  });

  it('lets the former manager read the declaration it filed, not another year', () => {
    const filed = {
      ...fold(contractDecider, [...byStudioOwnedByDitta, claimed]),
      declarations: {
        '2025': { draft: null, submitted: { submittedBy: 'studio-1' }, filedBy: ['studio-1'] },
      },
    } as unknown as Parameters<typeof mayReadDeclaration>[0];
    expect(mayReadDeclaration(filed, 2025, 'studio-1')).toBe(true);
    expect(mayReadDeclaration(filed, 2024, 'studio-1')).toBe(false);
    expect(mayReadDeclaration(filed, 2024, 'ditta-1')).toBe(true);
  });
});

describe('ReleaseContract', () => {
  it('lets the consultant give the contract back to the owner', () => {
    spec
      .given(byStudioOwnedByDitta)
      .when({ type: 'ReleaseContract', role: 'amministratore' as const, accountId: 'studio-1' })
      .then([
        { type: 'ContractReleased', data: { previousManagerId: 'studio-1', managerId: 'ditta-1' } },
      ]);
  });

  it('is refused to the owner', () => {
    spec
      .given(byStudioOwnedByDitta)
      .when({ type: 'ReleaseContract', role: 'amministratore' as const, accountId: 'ditta-1' })
      .thenThrows('NotManager');
  });

  it('is refused to another consultant', () => {
    spec
      .given(byStudioOwnedByDitta)
      .when({ type: 'ReleaseContract', role: 'amministratore' as const, accountId: 'studio-2' })
      .thenThrows('NotManager');
  });
});

describe('OfferContract, AcceptContract, DeclineContract, WithdrawContractOffer', () => {
  it('hands the contract to a consultant only when that consultant accepts', () => {
    spec
      .given(ownedAndManaged)
      .when({
        type: 'OfferContract',
        role: 'amministratore' as const,
        accountId: 'ditta-1',
        toAccountId: 'studio-1',
      })
      .then([offered]);
    spec
      .given([...ownedAndManaged, offered])
      .when({ type: 'AcceptContract', role: 'amministratore' as const, accountId: 'studio-2' })
      .thenThrows('NoOffer');
    spec
      .given([...ownedAndManaged, offered])
      .when({ type: 'AcceptContract', role: 'amministratore' as const, accountId: 'studio-1' })
      .then([
        {
          type: 'ContractDelegationAccepted',
          data: { previousManagerId: 'ditta-1', managerId: 'studio-1' },
        },
      ]);
  });

  it('refuses the offer to a non-owner, and to an owner that does not manage the contract', () => {
    spec
      .given([declared(studio), validated])
      .when({
        type: 'OfferContract',
        role: 'amministratore' as const,
        accountId: 'studio-1',
        toAccountId: 'studio-2',
      })
      .thenThrows('NotOwner');
    spec
      .given(byStudioOwnedByDitta)
      .when({
        type: 'OfferContract',
        role: 'amministratore' as const,
        accountId: 'ditta-1',
        toAccountId: 'studio-2',
      })
      .thenThrows('NotOwner');
  });

  it('refuses an offer before the operator validated the contract', () => {
    spec
      .given([declared(ditta)])
      .when({
        type: 'OfferContract',
        role: 'amministratore' as const,
        accountId: 'ditta-1',
        toAccountId: 'studio-1',
      })
      .thenThrows('ContractNotValidated');
  });

  it('keeps one offer at a time', () => {
    spec
      .given([...ownedAndManaged, offered])
      .when({
        type: 'OfferContract',
        role: 'amministratore' as const,
        accountId: 'ditta-1',
        toAccountId: 'studio-2',
      })
      .thenThrows('OfferPending', 'consulente');
    spec
      .given([...ownedAndManaged, offered])
      .when({
        type: 'OfferContract',
        role: 'amministratore' as const,
        accountId: 'ditta-1',
        toAccountId: 'studio-1',
      })
      .then([]);
  });

  it('lets the consultant decline: the company keeps managing', () => {
    const declined: ContractEvent = {
      type: 'ContractDelegationDeclined',
      data: { toAccountId: 'studio-1' },
    };
    spec
      .given([...ownedAndManaged, offered])
      .when({ type: 'DeclineContract', role: 'amministratore' as const, accountId: 'studio-1' })
      .then([declined]);
    spec
      .given([...ownedAndManaged, offered])
      .when({ type: 'DeclineContract', role: 'amministratore' as const, accountId: 'studio-2' })
      .thenThrows('NoOffer');
    const state = fold(contractDecider, [...ownedAndManaged, offered, declined]);
    expect(state.offeredTo).toBeNull();
    expect(state.managerId).toBe('ditta-1');
  });

  it('lets the company withdraw its offer, which the consultant can then no longer accept', () => {
    spec
      .given([...ownedAndManaged, offered])
      .when({
        type: 'WithdrawContractOffer',
        role: 'amministratore' as const,
        accountId: 'ditta-1',
      })
      .then([withdrawn]);
    spec
      .given([...ownedAndManaged, offered, withdrawn])
      .when({ type: 'AcceptContract', role: 'amministratore' as const, accountId: 'studio-1' })
      .thenThrows('NoOffer');
    spec
      .given(ownedAndManaged)
      .when({
        type: 'WithdrawContractOffer',
        role: 'amministratore' as const,
        accountId: 'ditta-1',
      })
      .thenThrows('NoOffer');
    spec
      .given([...ownedAndManaged, offered])
      .when({
        type: 'WithdrawContractOffer',
        role: 'amministratore' as const,
        accountId: 'studio-1',
      })
      .thenThrows('NotOwner');
  });

  it('is refused on an unknown contract', () => {
    spec
      .given([])
      .when({ type: 'ClaimContract', role: 'amministratore' as const, accountId: 'ditta-1' })
      .thenThrows('ContractUnknown');
  });
});
