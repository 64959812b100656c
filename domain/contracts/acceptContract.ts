import type { ByMember } from '../accounts/members.js';
import type { ContractState } from './contract.js';
import type { ContractEvent } from './contractEvents.js';
import { guardAnswerOffer } from './contractPermissions.js';

export interface AcceptContract extends ByMember {
  readonly type: 'AcceptContract';
  readonly accountId: string;
}

export function acceptContract(command: AcceptContract, state: ContractState): ContractEvent[] {
  guardAnswerOffer(state, command.accountId);
  return [
    {
      type: 'ContractDelegationAccepted',
      data: { previousManagerId: state.managerId, managerId: command.accountId },
    },
  ];
}
