import type { ContractState } from './contract.js';
import { contractError } from './contractErrors.js';
import type { ContractEvent } from './contractEvents.js';

const mustExist = (state: ContractState) => {
  if (state.status === 'none' || state.status === 'rejected') {
    throw contractError('ContractUnknown', 'not-found', 'Contratto non trovato.');
  }
};

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

export interface OfferContract {
  readonly type: 'OfferContract';
  readonly accountId: string;
  readonly toAccountId: string;
}

/** The company hands the management to a consultant, who must accept it. */
export function offerContract(command: OfferContract, state: ContractState): ContractEvent[] {
  mustExist(state);
  if (state.ownerAccountId !== command.accountId || state.managerId !== command.accountId) {
    throw contractError(
      'NotOwner',
      'forbidden',
      'Solo la ditta intestataria che gestisce il contratto può affidarlo a un consulente.',
    );
  }
  return [{ type: 'ContractDelegationOffered', data: { toAccountId: command.toAccountId } }];
}

export interface AcceptContract {
  readonly type: 'AcceptContract';
  readonly accountId: string;
}

export function acceptContract(command: AcceptContract, state: ContractState): ContractEvent[] {
  mustExist(state);
  if (state.offeredTo !== command.accountId) {
    throw contractError(
      'NoOffer',
      'conflict',
      'Non c’è un affidamento di questo contratto in attesa per te.',
    );
  }
  return [
    {
      type: 'ContractDelegationAccepted',
      data: { previousManagerId: state.managerId, managerId: command.accountId },
    },
  ];
}
