import type { ByMember } from '../accounts/members.js';
import type { ContractState } from './contract.js';
import type { ContractEvent } from './contractEvents.js';
import { guardClaim } from './contractPermissions.js';

export interface ClaimContract extends ByMember {
  readonly type: 'ClaimContract';
  readonly accountId: string;
}

/** "Gestisci contratto": the company takes over the declarations a consultant managed. */
export function claimContract(command: ClaimContract, state: ContractState): ContractEvent[] {
  guardClaim(state, command.accountId);
  return [
    {
      type: 'ContractClaimed',
      data: { previousManagerId: state.managerId ?? '', managerId: command.accountId },
    },
  ];
}
