import type { ByMember } from '../accounts/members.js';
import type { ContractState } from './contract.js';
import type { ContractEvent } from './contractEvents.js';
import { guardAnswerOffer } from './contractPermissions.js';

export interface DeclineContract extends ByMember {
  readonly type: 'DeclineContract';
  readonly accountId: string;
}

/** The consultant says no: the company keeps managing the contract. */
export function declineContract(command: DeclineContract, state: ContractState): ContractEvent[] {
  guardAnswerOffer(state, command.accountId);
  return [{ type: 'ContractDelegationDeclined', data: { toAccountId: command.accountId } }];
}
