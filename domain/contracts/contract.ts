import {
  evolveDeclarations,
  withoutDrafts,
  type DeclarationsByYear,
} from '../declarations/declarationState.js';
import type { ContractEvent, Plant } from './contractEvents.js';

export type ContractStatus = 'none' | 'pending' | 'validated' | 'rejected';

export interface ContractState {
  readonly status: ContractStatus;
  readonly customerCode: string | null;
  readonly plant: Plant | null;
  /** The company's own (Ditta) account, if it has one. */
  readonly ownerAccountId: string | null;
  /** Who files the declarations: the company itself or one consultant at a time. */
  readonly managerId: string | null;
  /** Earlier managers keep read access to what they filed. */
  readonly formerManagerIds: readonly string[];
  readonly offeredTo: string | null;
  /** The annual declarations filed (or being prepared) for this contract, by year. */
  readonly declarations: DeclarationsByYear;
}

export const initialContractState = (): ContractState => ({
  status: 'none',
  customerCode: null,
  plant: null,
  ownerAccountId: null,
  managerId: null,
  formerManagerIds: [],
  offeredTo: null,
  declarations: {},
});

const handOver = (state: ContractState, managerId: string | null): ContractState => ({
  ...state,
  managerId,
  offeredTo: null,
  declarations: withoutDrafts(state.declarations),
  formerManagerIds:
    state.managerId &&
    state.managerId !== managerId &&
    !state.formerManagerIds.includes(state.managerId)
      ? [...state.formerManagerIds, state.managerId]
      : state.formerManagerIds,
});

export function evolveContract(state: ContractState, event: ContractEvent): ContractState {
  switch (event.type) {
    case 'ContractDeclared': {
      const { declaredBy } = event.data;
      return {
        ...state,
        status: 'pending',
        customerCode: event.data.customerCode,
        plant: event.data.plant,
        managerId: declaredBy.accountId,
        ownerAccountId: declaredBy.kind === 'ditta' ? declaredBy.accountId : state.ownerAccountId,
      };
    }
    case 'ContractValidated':
      return { ...state, status: 'validated' };
    case 'ContractRejected':
      return { ...state, status: 'rejected' };
    case 'ContractOwnerLinked':
      return { ...state, ownerAccountId: event.data.ownerAccountId };
    case 'ContractClaimed':
    case 'ContractReleased':
    case 'ContractDelegationAccepted':
      return handOver(state, event.data.managerId);
    case 'ContractDelegationOffered':
      return { ...state, offeredTo: event.data.toAccountId };
    case 'DeclarationPrepared':
    case 'DeclarationSubmitted':
    case 'DeclarationProtocolled':
    case 'CopyOfRecordResent':
      return { ...state, declarations: evolveDeclarations(state.declarations, event) };
  }
}

/** Authorisation follows the events: who may file, who may read. */
export const mayFile = (state: ContractState, accountId: string): boolean =>
  state.status === 'validated' && state.managerId === accountId;

export const mayRead = (state: ContractState, accountId: string): boolean =>
  state.managerId === accountId ||
  state.ownerAccountId === accountId ||
  state.formerManagerIds.includes(accountId);

/** A year's declaration: the company and the current manager read it; anyone else only if it filed it. */
export const mayReadDeclaration = (
  state: ContractState,
  year: number,
  accountId: string,
): boolean =>
  state.managerId === accountId ||
  state.ownerAccountId === accountId ||
  state.declarations[String(year)]?.submitted?.submittedBy === accountId;
