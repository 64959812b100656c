import {
  evolveDeclarations,
  withoutDrafts,
  type DeclarationsByYear,
} from '../declarations/declarationState.js';
import type { ContractEvent, FiledYear, Plant } from './contractEvents.js';

/** 'renumbered': an operator changed the number; the contract goes on in the new number's stream. */
export type ContractStatus = 'none' | 'pending' | 'validated' | 'rejected' | 'renumbered';

export interface ContractState {
  readonly status: ContractStatus;
  readonly contractNumber: string | null;
  readonly customerCode: string | null;
  readonly companyName: string | null;
  readonly plant: Plant | null;
  /** The company's own (Ditta) account, if it has one. */
  readonly ownerAccountId: string | null;
  /** A Ditta that asked to be the owner, waiting for an operator. */
  readonly ownerRequest: { readonly accountId: string } | null;
  /** Who files the declarations: the company itself or one consultant at a time. */
  readonly managerId: string | null;
  /** Earlier managers keep read access to what they filed. */
  readonly formerManagerIds: readonly string[];
  readonly offeredTo: string | null;
  /** A new number asked for, waiting for an operator. */
  readonly numberChange: {
    readonly newContractNumber: string;
    readonly requestedBy: string;
  } | null;
  /** A new plant address asked for, waiting for an operator: `plant` stays in force until then. */
  readonly plantChange: { readonly plant: Plant; readonly requestedBy: string } | null;
  readonly renumberedTo: string | null;
  readonly renumberedFrom: string | null;
  /** The annual declarations filed (or being prepared) for this contract, by year. */
  readonly declarations: DeclarationsByYear;
  /** The years filed under the previous number, when the number changed: not filed again. */
  readonly filedBeforeRenumbering: readonly FiledYear[];
}

export const initialContractState = (): ContractState => ({
  status: 'none',
  contractNumber: null,
  customerCode: null,
  companyName: null,
  plant: null,
  ownerAccountId: null,
  ownerRequest: null,
  managerId: null,
  formerManagerIds: [],
  offeredTo: null,
  numberChange: null,
  plantChange: null,
  renumberedTo: null,
  renumberedFrom: null,
  declarations: {},
  filedBeforeRenumbering: [],
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

const withOwner = (state: ContractState, ownerAccountId: string): ContractState => ({
  ...state,
  ownerAccountId,
  ownerRequest: state.ownerRequest?.accountId === ownerAccountId ? null : state.ownerRequest,
});

export function evolveContract(state: ContractState, event: ContractEvent): ContractState {
  switch (event.type) {
    case 'ContractDeclared': {
      const { declaredBy } = event.data;
      return {
        ...state,
        status: 'pending',
        contractNumber: event.data.contractNumber,
        customerCode: event.data.customerCode,
        companyName: event.data.companyName,
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
    case 'ContractOwnershipValidated':
      return withOwner(state, event.data.ownerAccountId);
    case 'ContractOwnershipRequested':
      return { ...state, ownerRequest: { accountId: event.data.ownerAccountId } };
    case 'ContractOwnershipRejected':
      return { ...state, ownerRequest: null };
    case 'ContractClaimed':
    case 'ContractReleased':
    case 'ContractDelegationAccepted':
      return handOver(state, event.data.managerId);
    case 'ContractDelegationOffered':
      return { ...state, offeredTo: event.data.toAccountId };
    case 'ContractDelegationDeclined':
    case 'ContractDelegationWithdrawn':
      return { ...state, offeredTo: null };
    case 'ContractNumberChangeRequested':
      return { ...state, numberChange: { ...event.data } };
    case 'ContractNumberChangeRejected':
      return { ...state, numberChange: null };
    case 'PlantAddressChangeRequested':
      return {
        ...state,
        plantChange: { plant: event.data.plant, requestedBy: event.data.requestedBy },
      };
    case 'ContractCompanyRenamed':
      return { ...state, companyName: event.data.companyName };
    case 'PlantAddressChanged':
      return { ...state, plant: event.data.plant, plantChange: null };
    case 'PlantAddressChangeRejected':
      return { ...state, plantChange: null };
    case 'ContractNumberChanged':
      return {
        ...state,
        status: 'renumbered',
        numberChange: null,
        plantChange: null,
        offeredTo: null,
        renumberedTo: event.data.newContractNumber,
        declarations: withoutDrafts(state.declarations),
      };
    case 'ContractRenumbered':
      return {
        ...initialContractState(),
        status: 'validated',
        contractNumber: event.data.contractNumber,
        customerCode: event.data.customerCode,
        companyName: event.data.companyName,
        plant: event.data.plant,
        ownerAccountId: event.data.ownerAccountId,
        managerId: event.data.managerId,
        renumberedFrom: event.data.previousContractNumber,
        filedBeforeRenumbering: event.data.filedYears ?? [],
      };
    case 'DeclarationPrepared':
    case 'DeclarationSubmitted':
    case 'DeclarationProtocolled':
    case 'CopyOfRecordStored':
    case 'CopyOfRecordResent':
    case 'DeclarationReviewed':
    case 'DeclarationCorrectionStarted':
    case 'DeclarationReopened':
      return { ...state, declarations: evolveDeclarations(state.declarations, event) };
  }
}

/** Authorisation follows the events: who may file, who may read. */
export const mayFile = (state: ContractState, accountId: string): boolean =>
  state.status === 'validated' && state.managerId === accountId;

/**
 * The contract itself (its history, its hand-overs): the company and its current manager. A former
 * manager reads only the declarations it filed (mayReadDeclaration), nothing else of the contract.
 */
export const mayRead = (state: ContractState, accountId: string): boolean =>
  state.managerId === accountId || state.ownerAccountId === accountId;

/**
 * A year's declaration: the company and the current manager read it whole; anyone else only if it
 * filed a version of it, and then only the versions it filed (mayReadVersion).
 */
export const mayReadDeclaration = (
  state: ContractState,
  year: number,
  accountId: string,
): boolean =>
  mayRead(state, accountId) ||
  (state.declarations[String(year)]?.filedBy.includes(accountId) ?? false);

/** A version of a year's declaration the account may read: all of them, or those it filed. */
export const mayReadVersion = (
  state: ContractState,
  accountId: string,
  version: { readonly submittedBy: string },
): boolean => mayRead(state, accountId) || version.submittedBy === accountId;
