import type { ContractState } from './contract.js';
import { contractError, mustExist } from './contractErrors.js';
import type { ContractEvent } from './contractEvents.js';

export interface ClaimContract {
  readonly type: 'ClaimContract';
  readonly accountId: string;
}

/** "Gestisci contratto": the company takes over the declarations a consultant managed. */
export function claimContract(command: ClaimContract, state: ContractState): ContractEvent[] {
  mustExist(state);
  if (state.ownerAccountId !== command.accountId) {
    throw contractError(
      'NotOwner',
      'forbidden',
      'Solo la ditta intestataria può prendere in gestione il contratto.',
    );
  }
  if (state.managerId === command.accountId) {
    throw contractError('AlreadyManaging', 'conflict', 'La ditta gestisce già questo contratto.');
  }
  return [
    {
      type: 'ContractClaimed',
      data: { previousManagerId: state.managerId ?? '', managerId: command.accountId },
    },
  ];
}

export interface ReleaseContract {
  readonly type: 'ReleaseContract';
  readonly accountId: string;
}

/** A consultant gives the contract back: the company manages it (or nobody until it registers). */
export function releaseContract(command: ReleaseContract, state: ContractState): ContractEvent[] {
  mustExist(state);
  if (state.managerId !== command.accountId || state.ownerAccountId === command.accountId) {
    throw contractError(
      'NotManager',
      'forbidden',
      'Solo il consulente che gestisce il contratto può rilasciarlo.',
    );
  }
  return [
    {
      type: 'ContractReleased',
      data: { previousManagerId: command.accountId, managerId: state.ownerAccountId },
    },
  ];
}

const mustOwnAndManage = (state: ContractState, accountId: string, message: string) => {
  mustExist(state);
  if (state.ownerAccountId !== accountId || state.managerId !== accountId) {
    throw contractError('NotOwner', 'forbidden', message);
  }
};

export interface OfferContract {
  readonly type: 'OfferContract';
  readonly accountId: string;
  readonly toAccountId: string;
}

/** The company hands the management to a consultant, who must accept it; one offer at a time. */
export function offerContract(command: OfferContract, state: ContractState): ContractEvent[] {
  mustOwnAndManage(
    state,
    command.accountId,
    'Solo la ditta intestataria che gestisce il contratto può affidarlo a un consulente.',
  );
  if (state.status !== 'validated') {
    throw contractError(
      'ContractNotValidated',
      'conflict',
      'Il contratto si può affidare a un consulente dopo la convalida degli operatori.',
    );
  }
  if (state.offeredTo === command.toAccountId) return [];
  if (state.offeredTo) {
    throw contractError(
      'OfferPending',
      'conflict',
      'C’è già un affidamento in attesa di risposta: ritiralo prima di affidare il contratto a un altro consulente.',
      'consulente',
    );
  }
  return [{ type: 'ContractDelegationOffered', data: { toAccountId: command.toAccountId } }];
}

export interface WithdrawContractOffer {
  readonly type: 'WithdrawContractOffer';
  readonly accountId: string;
}

/** The company takes its offer back before the consultant answers. */
export function withdrawContractOffer(
  command: WithdrawContractOffer,
  state: ContractState,
): ContractEvent[] {
  mustOwnAndManage(
    state,
    command.accountId,
    'Solo la ditta intestataria può ritirare l’affidamento del contratto.',
  );
  if (!state.offeredTo) {
    throw contractError('NoOffer', 'conflict', 'Non c’è un affidamento in attesa da ritirare.');
  }
  return [{ type: 'ContractDelegationWithdrawn', data: { toAccountId: state.offeredTo } }];
}

const mustBeOffered = (state: ContractState, accountId: string) => {
  mustExist(state);
  if (state.offeredTo !== accountId) {
    throw contractError(
      'NoOffer',
      'conflict',
      'Non c’è un affidamento di questo contratto in attesa per te.',
    );
  }
};

export interface AcceptContract {
  readonly type: 'AcceptContract';
  readonly accountId: string;
}

export function acceptContract(command: AcceptContract, state: ContractState): ContractEvent[] {
  mustBeOffered(state, command.accountId);
  return [
    {
      type: 'ContractDelegationAccepted',
      data: { previousManagerId: state.managerId, managerId: command.accountId },
    },
  ];
}

export interface DeclineContract {
  readonly type: 'DeclineContract';
  readonly accountId: string;
}

/** The consultant says no: the company keeps managing the contract. */
export function declineContract(command: DeclineContract, state: ContractState): ContractEvent[] {
  mustBeOffered(state, command.accountId);
  return [{ type: 'ContractDelegationDeclined', data: { toAccountId: command.accountId } }];
}
