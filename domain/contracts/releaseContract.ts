import type { ByMember } from '../accounts/members.js';
import type { ContractState } from './contract.js';
import type { ContractEvent } from './contractEvents.js';
import { guardRelease } from './contractPermissions.js';

export interface ReleaseContract extends ByMember {
  readonly type: 'ReleaseContract';
  readonly accountId: string;
}

/** A consultant gives the contract back: the company manages it (or nobody until it registers). */
export function releaseContract(command: ReleaseContract, state: ContractState): ContractEvent[] {
  guardRelease(state, command.accountId);
  return [
    {
      type: 'ContractReleased',
      data: { previousManagerId: command.accountId, managerId: state.ownerAccountId },
    },
  ];
}
