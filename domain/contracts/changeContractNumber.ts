import type { ByMember } from '../accounts/members.js';
import type { ContractState } from './contract.js';
import { contractError, mustExist, reasonOf } from './contractErrors.js';
import type { ContractEvent } from './contractEvents.js';
import { registryMismatch } from './declareContract.js';
import { guardNumberChange } from './contractPermissions.js';

const numberTaken = (field?: string) =>
  contractError(
    'ContractNumberTaken',
    field ? 'validation' : 'conflict',
    'Questo numero di contratto è già registrato sul portale.',
    field,
  );

export interface RequestContractNumberChange extends ByMember {
  readonly type: 'RequestContractNumberChange';
  readonly accountId: string;
  readonly newContractNumber: string;
  /** Whether the registry knows the pair (the contract's customer code, the new number). */
  readonly inRegistry: boolean;
  /** Whether no other contract of the portal has the new number (its stream is empty or rejected). */
  readonly newNumberFree: boolean;
}

/** The company or its manager asks that a wrong number be corrected; an operator decides. */
export function requestContractNumberChange(
  command: RequestContractNumberChange,
  state: ContractState,
): ContractEvent[] {
  guardNumberChange(state, command.accountId);
  const field = 'newContractNumber';
  if (command.newContractNumber === state.contractNumber) {
    throw contractError(
      'SameContractNumber',
      'validation',
      'Il nuovo numero è uguale a quello attuale.',
      field,
    );
  }
  if (!command.inRegistry)
    throw contractError('ContractNotInRegistry', 'validation', registryMismatch, field);
  if (!command.newNumberFree) throw numberTaken(field);
  return [
    {
      type: 'ContractNumberChangeRequested',
      data: { newContractNumber: command.newContractNumber, requestedBy: command.accountId },
    },
  ];
}

export interface ValidateContractNumberChange {
  readonly type: 'ValidateContractNumberChange';
  /** Checked again when the operator decides: someone may have declared the number meanwhile. */
  readonly newNumberFree: boolean;
}

export interface RejectContractNumberChange {
  readonly type: 'RejectContractNumberChange';
  readonly reason: string;
}

const pendingChange = (state: ContractState) => {
  mustExist(state);
  if (!state.numberChange) {
    throw contractError(
      'NoNumberChange',
      'conflict',
      'Non c’è un cambio di numero in attesa per questo contratto.',
    );
  }
  return state.numberChange;
};

/** The operator confirms the new number: this stream closes, the new one is opened from it. */
export function validateContractNumberChange(
  command: ValidateContractNumberChange,
  state: ContractState,
): ContractEvent[] {
  const change = pendingChange(state);
  if (!command.newNumberFree) throw numberTaken();
  return [{ type: 'ContractNumberChanged', data: { ...change } }];
}

export function rejectContractNumberChange(
  command: RejectContractNumberChange,
  state: ContractState,
): ContractEvent[] {
  const change = pendingChange(state);
  return [
    {
      type: 'ContractNumberChangeRejected',
      data: { ...change, reason: reasonOf(command.reason) },
    },
  ];
}

export interface OpenRenumberedContract {
  readonly type: 'OpenRenumberedContract';
  readonly newContractNumber: string;
  /** The old contract's state at its ContractNumberChanged (its stream is closed from there). */
  readonly previous: Pick<
    ContractState,
    | 'contractNumber'
    | 'customerCode'
    | 'companyName'
    | 'plant'
    | 'ownerAccountId'
    | 'managerId'
    | 'declarations'
    | 'filedBeforeRenumbering'
  >;
  readonly requestedBy: string;
}

/** The new number's stream starts where the old one ended: same company, plant and people. */
export function openRenumberedContract(
  command: OpenRenumberedContract,
  state: ContractState,
): ContractEvent[] {
  const { previous } = command;
  if (previous.contractNumber && state.renumberedFrom === previous.contractNumber) return [];
  if (state.status !== 'none' && state.status !== 'rejected') throw numberTaken();
  if (
    !previous.contractNumber ||
    !previous.customerCode ||
    !previous.companyName ||
    !previous.plant
  )
    throw contractError('ContractUnknown', 'not-found', 'Contratto non trovato.');
  return [
    {
      type: 'ContractRenumbered',
      data: {
        contractNumber: command.newContractNumber,
        previousContractNumber: previous.contractNumber,
        customerCode: previous.customerCode,
        companyName: previous.companyName,
        plant: previous.plant,
        ownerAccountId: previous.ownerAccountId,
        managerId: previous.managerId,
        requestedBy: command.requestedBy,
        filedYears: [
          ...previous.filedBeforeRenumbering,
          ...Object.entries(previous.declarations)
            .filter(([, declaration]) => declaration.submitted)
            .map(([year, declaration]) => ({
              year: Number(year),
              protocolNumber: declaration.submitted!.protocolNumber,
            })),
        ],
      },
    },
  ];
}
