import type { ByMember } from '../accounts/members.js';
import type { ContractState } from './contract.js';
import type { ContractEvent } from './contractEvents.js';
import { guardOffer } from './contractPermissions.js';

export interface OfferContract extends ByMember {
  readonly type: 'OfferContract';
  readonly accountId: string;
  readonly toAccountId: string;
}

/** The company hands the management to a consultant, who must accept it; one offer at a time. */
export function offerContract(command: OfferContract, state: ContractState): ContractEvent[] {
  guardOffer(state, command.accountId, command.toAccountId);
  if (state.offeredTo === command.toAccountId) return [];
  return [{ type: 'ContractDelegationOffered', data: { toAccountId: command.toAccountId } }];
}
