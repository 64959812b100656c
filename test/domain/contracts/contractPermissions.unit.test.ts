import { describe, expect, it } from 'vitest';
import type { ContractState } from '../../../domain/contracts/contract.js';
import {
  contractDecider,
  type ContractCommand,
} from '../../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../../domain/contracts/contractEvents.js';
import {
  contractActions,
  mayAccept,
  mayClaim,
  mayDecline,
  mayOffer,
  mayReceiveOffer,
  mayRelease,
  mayRequestNumberChange,
  mayWithdrawOffer,
} from '../../../domain/contracts/contractPermissions.js';
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
  studio,
  validated,
  withdrawn,
} from './contractHistories.js';

const spec = deciderSpec(contractDecider);
const rejected: ContractEvent = { type: 'ContractRejected', data: { reason: 'Non è nostro' } };
const numberChangeRequested: ContractEvent = {
  type: 'ContractNumberChangeRequested',
  data: { newContractNumber: '3007654321', requestedBy: 'ditta-1' },
};
const numberChanged: ContractEvent = {
  type: 'ContractNumberChanged',
  data: { newContractNumber: '3007654321', requestedBy: 'ditta-1' },
};
const byStudio = [declared(studio), validated];

type Permission = (state: ContractState, accountId: string) => boolean;
type HandOver = Extract<ContractCommand, { accountId: string }>;

/** Given past events, when an account would send a command: the page's answer, then the decider's. */
const given = (events: readonly ContractEvent[]) => ({
  when: (command: HandOver, may: Permission) => {
    const state = fold(contractDecider, events);
    return {
      allowed(): void {
        expect(may(state, command.accountId)).toBe(true);
        expect(() => contractDecider.decide(command, state)).not.toThrow();
      },
      refused(code: string): void {
        expect(may(state, command.accountId)).toBe(false);
        spec.given(events).when(command).thenThrows(code);
      },
    };
  },
});

describe('mayClaim agrees with ClaimContract', () => {
  const claim = (accountId: string) => ({
    type: 'ClaimContract' as const,
    role: 'amministratore' as const,
    accountId,
  });

  it('allows the owner company a contract its consultant manages', () => {
    given(byStudioOwnedByDitta).when(claim('ditta-1'), mayClaim).allowed();
  });

  it('refuses anyone but the owner', () => {
    given(byStudioOwnedByDitta).when(claim('studio-1'), mayClaim).refused('NotOwner');
    given(byStudio).when(claim('ditta-1'), mayClaim).refused('NotOwner');
  });

  it('refuses the owner that already manages it', () => {
    given([...byStudioOwnedByDitta, claimed])
      .when(claim('ditta-1'), mayClaim)
      .refused('AlreadyManaging');
  });

  it('refuses a rejected contract, even to its owner', () => {
    given([declared(studio), ownerLinked, rejected])
      .when(claim('ditta-1'), mayClaim)
      .refused('ContractUnknown');
  });
});

describe('mayRelease agrees with ReleaseContract', () => {
  const release = (accountId: string) => ({
    type: 'ReleaseContract' as const,
    role: 'amministratore' as const,
    accountId,
  });

  it('allows the consultant that manages the contract', () => {
    given(byStudioOwnedByDitta).when(release('studio-1'), mayRelease).allowed();
  });

  it('allows it also when the company has no account yet', () => {
    given(byStudio).when(release('studio-1'), mayRelease).allowed();
  });

  it('refuses the owner and another consultant', () => {
    given(byStudioOwnedByDitta).when(release('ditta-1'), mayRelease).refused('NotManager');
    given(byStudioOwnedByDitta).when(release('studio-2'), mayRelease).refused('NotManager');
  });

  it('refuses a contract whose number was changed', () => {
    given([...byStudioOwnedByDitta, numberChanged])
      .when(release('studio-1'), mayRelease)
      .refused('ContractRenumbered');
  });
});

describe('mayOffer agrees with OfferContract', () => {
  const offer = (accountId: string, toAccountId = 'studio-2') => ({
    type: 'OfferContract' as const,
    role: 'amministratore' as const,
    accountId,
    toAccountId,
  });

  it('allows the company that owns and manages a validated contract', () => {
    given(ownedAndManaged).when(offer('ditta-1'), mayOffer).allowed();
  });

  it('refuses a non-owner, and an owner that does not manage the contract', () => {
    given(byStudio).when(offer('studio-1'), mayOffer).refused('NotOwner');
    given(byStudioOwnedByDitta).when(offer('ditta-1'), mayOffer).refused('NotOwner');
  });

  it('refuses before the operator validated the contract', () => {
    given([declared(ditta)])
      .when(offer('ditta-1'), mayOffer)
      .refused('ContractNotValidated');
  });

  it('refuses a second consultant while an offer is pending, not the one already asked', () => {
    given([...ownedAndManaged, offered])
      .when(offer('ditta-1'), mayOffer)
      .refused('OfferPending');
    const state = fold(contractDecider, [...ownedAndManaged, offered]);
    expect(mayOffer(state, 'ditta-1', 'studio-1')).toBe(true);
    spec
      .given([...ownedAndManaged, offered])
      .when(offer('ditta-1', 'studio-1'))
      .then([]);
  });
});

describe('mayWithdrawOffer agrees with WithdrawContractOffer', () => {
  const withdraw = (accountId: string) => ({
    type: 'WithdrawContractOffer' as const,
    role: 'amministratore' as const,
    accountId,
  });

  it('allows the company its pending offer', () => {
    given([...ownedAndManaged, offered])
      .when(withdraw('ditta-1'), mayWithdrawOffer)
      .allowed();
  });

  it('refuses when no offer is pending', () => {
    given(ownedAndManaged).when(withdraw('ditta-1'), mayWithdrawOffer).refused('NoOffer');
    given([...ownedAndManaged, offered, withdrawn])
      .when(withdraw('ditta-1'), mayWithdrawOffer)
      .refused('NoOffer');
  });

  it('refuses the consultant offered the contract', () => {
    given([...ownedAndManaged, offered])
      .when(withdraw('studio-1'), mayWithdrawOffer)
      .refused('NotOwner');
  });
});

describe('mayAccept and mayDecline agree with AcceptContract and DeclineContract', () => {
  const accept = (accountId: string) => ({
    type: 'AcceptContract' as const,
    role: 'amministratore' as const,
    accountId,
  });
  const decline = (accountId: string) => ({
    type: 'DeclineContract' as const,
    role: 'amministratore' as const,
    accountId,
  });

  it('allow the consultant the offer is for', () => {
    given([...ownedAndManaged, offered])
      .when(accept('studio-1'), mayAccept)
      .allowed();
    given([...ownedAndManaged, offered])
      .when(decline('studio-1'), mayDecline)
      .allowed();
  });

  it('refuse another consultant, and an offer withdrawn', () => {
    given([...ownedAndManaged, offered])
      .when(accept('studio-2'), mayAccept)
      .refused('NoOffer');
    given([...ownedAndManaged, offered])
      .when(decline('studio-2'), mayDecline)
      .refused('NoOffer');
    given([...ownedAndManaged, offered, withdrawn])
      .when(accept('studio-1'), mayAccept)
      .refused('NoOffer');
  });
});

describe('mayRequestNumberChange agrees with RequestContractNumberChange', () => {
  const request = (accountId: string) => ({
    type: 'RequestContractNumberChange' as const,
    role: 'amministratore' as const,
    accountId,
    newContractNumber: '3007654321',
    inRegistry: true,
    newNumberFree: true,
  });

  it('allows the owner and the manager of a validated contract', () => {
    given(byStudioOwnedByDitta).when(request('ditta-1'), mayRequestNumberChange).allowed();
    given(byStudioOwnedByDitta).when(request('studio-1'), mayRequestNumberChange).allowed();
  });

  it('refuses anyone else, a contract not validated yet, and a change already pending', () => {
    given(byStudioOwnedByDitta)
      .when(request('studio-2'), mayRequestNumberChange)
      .refused('NotManager');
    given([declared(studio)])
      .when(request('studio-1'), mayRequestNumberChange)
      .refused('ContractNotValidated');
    given([...byStudioOwnedByDitta, numberChangeRequested])
      .when(request('ditta-1'), mayRequestNumberChange)
      .refused('NumberChangePending');
  });
});

describe('the page and the decider never disagree', () => {
  const histories: Record<string, readonly ContractEvent[]> = {
    'not declared': [],
    'declared by a consultant, pending': [declared(studio)],
    'declared by the company, pending': [declared(ditta)],
    'validated, company without an account': byStudio,
    'validated, owned by the company': byStudioOwnedByDitta,
    'claimed by the company': [...byStudioOwnedByDitta, claimed],
    'offered to a consultant': [...ownedAndManaged, offered],
    'offer withdrawn': [...ownedAndManaged, offered, withdrawn],
    'number change pending': [...byStudioOwnedByDitta, numberChangeRequested],
    rejected: [declared(studio), ownerLinked, rejected],
    renumbered: [...byStudioOwnedByDitta, numberChanged],
  };
  const permissions: [HandOver['type'], Permission][] = [
    ['ClaimContract', mayClaim],
    ['ReleaseContract', mayRelease],
    ['WithdrawContractOffer', mayWithdrawOffer],
    ['AcceptContract', mayAccept],
    ['DeclineContract', mayDecline],
  ];
  const succeeds = (command: ContractCommand, state: ContractState) => {
    try {
      contractDecider.decide(command, state);
      return true;
    } catch {
      return false;
    }
  };

  it.each(Object.entries(histories))('%s', (_, events) => {
    const state = fold(contractDecider, events);
    for (const accountId of ['ditta-1', 'studio-1', 'studio-2']) {
      for (const [type, may] of permissions) {
        const command = { type, accountId } as HandOver;
        expect(may(state, accountId), `${type} by ${accountId}`).toBe(succeeds(command, state));
      }
      const offer = {
        type: 'OfferContract' as const,
        role: 'amministratore' as const,
        accountId,
        toAccountId: 'studio-2',
      };
      expect(mayOffer(state, accountId), `OfferContract by ${accountId}`).toBe(
        succeeds(offer, state),
      );
      const request = {
        type: 'RequestContractNumberChange' as const,
        role: 'amministratore' as const,
        accountId,
        newContractNumber: '3007654321',
        inRegistry: true,
        newNumberFree: true,
      };
      expect(mayRequestNumberChange(state, accountId), `number change by ${accountId}`).toBe(
        succeeds(request, state),
      );
    }
  });
});

describe('contractActions', () => {
  it('lists what each account may do with a contract', () => {
    const state = fold(contractDecider, [...ownedAndManaged, offered]);
    expect(contractActions(state, 'ditta-1', 'amministratore')).toEqual({
      claim: false,
      release: false,
      offer: false,
      withdrawOffer: true,
      accept: false,
      decline: false,
      requestNumberChange: true,
      readHistory: true,
    });
    expect(contractActions(state, 'studio-1', 'amministratore')).toEqual({
      claim: false,
      release: false,
      offer: false,
      withdrawOffer: false,
      accept: true,
      decline: true,
      requestNumberChange: false,
      readHistory: false,
    });
  });

  it('offers a person only what their role allows', () => {
    const state = fold(contractDecider, [...ownedAndManaged, offered]);
    const none = { claim: false, release: false, offer: false, withdrawOffer: false };
    expect(contractActions(state, 'ditta-1', 'compilatore')).toEqual({
      ...none,
      accept: false,
      decline: false,
      requestNumberChange: true,
      readHistory: true,
    });
    expect(contractActions(state, 'ditta-1', 'lettore')).toEqual({
      ...none,
      accept: false,
      decline: false,
      requestNumberChange: false,
      readHistory: true,
    });
  });
});

describe('mayReceiveOffer', () => {
  it('admits an active consultant only', () => {
    expect(mayReceiveOffer({ kind: 'studio', status: 'active' })).toBe(true);
    expect(mayReceiveOffer({ kind: 'ditta', status: 'active' })).toBe(false);
    expect(mayReceiveOffer({ kind: 'studio', status: 'awaiting-approval' })).toBe(false);
    expect(mayReceiveOffer({ kind: null, status: 'active' })).toBe(false);
  });
});
