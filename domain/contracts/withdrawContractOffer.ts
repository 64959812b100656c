import type { ByMember } from '../accounts/members.js';
import type { ContractState } from './contract.js';
import type { ContractEvent } from './contractEvents.js';
import { guardWithdrawOffer } from './contractPermissions.js';

export interface WithdrawContractOffer extends ByMember {
  readonly type: 'WithdrawContractOffer';
  readonly accountId: string;
}

/** The company takes its offer back before the consultant answers. */
export function withdrawContractOffer(
  command: WithdrawContractOffer,
  state: ContractState,
): ContractEvent[] {
  guardWithdrawOffer(state, command.accountId);
  return [{ type: 'ContractDelegationWithdrawn', data: { toAccountId: state.offeredTo } }];
}
