import { holds, type MemberPower, type MemberRole } from '../accounts/members.js';
import { DomainError } from '../shared/domainError.js';
import { mayRead, type ContractState } from './contract.js';
import { contractError, mustExist } from './contractErrors.js';

/**
 * Who may hand a contract over, and to whom. Each guard raises the decider's own refusal and the
 * decision functions call it; each `may*` asks the same guard, so a page offers exactly the
 * actions the decider accepts.
 */
const passes = (guard: () => unknown): boolean => {
  try {
    guard();
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
};

/** "Gestisci contratto": the owner company takes over, unless it manages the contract already. */
export function guardClaim(state: ContractState, accountId: string): void {
  mustExist(state);
  if (state.ownerAccountId !== accountId) {
    throw contractError(
      'NotOwner',
      'forbidden',
      'Solo la ditta intestataria può prendere in gestione il contratto.',
    );
  }
  if (state.managerId === accountId) {
    throw contractError('AlreadyManaging', 'conflict', 'La ditta gestisce già questo contratto.');
  }
}

/** The consultant managing the contract gives it back, even to a company without an account. */
export function guardRelease(state: ContractState, accountId: string): void {
  mustExist(state);
  if (state.managerId !== accountId || state.ownerAccountId === accountId) {
    throw contractError(
      'NotManager',
      'forbidden',
      'Solo il consulente che gestisce il contratto può rilasciarlo.',
    );
  }
}

const mustOwnAndManage = (state: ContractState, accountId: string, message: string) => {
  mustExist(state);
  if (state.ownerAccountId !== accountId || state.managerId !== accountId) {
    throw contractError('NotOwner', 'forbidden', message);
  }
};

/**
 * The company that owns and manages a validated contract offers it to a consultant, one offer at
 * a time. Offering it again to the consultant already asked passes (the decision adds nothing).
 */
export function guardOffer(
  state: ContractState,
  accountId: string,
  toAccountId: string | null = null,
): void {
  mustOwnAndManage(
    state,
    accountId,
    'Solo la ditta intestataria che gestisce il contratto può affidarlo a un consulente.',
  );
  if (state.status !== 'validated') {
    throw contractError(
      'ContractNotValidated',
      'conflict',
      'Il contratto si può affidare a un consulente dopo la convalida degli operatori.',
    );
  }
  if (state.offeredTo && state.offeredTo !== toAccountId) {
    throw contractError(
      'OfferPending',
      'conflict',
      'C’è già un affidamento in attesa di risposta: ritiralo prima di affidare il contratto a un altro consulente.',
      'consulente',
    );
  }
}

/** The company takes its pending offer back. */
export function guardWithdrawOffer(
  state: ContractState,
  accountId: string,
): asserts state is ContractState & { readonly offeredTo: string } {
  mustOwnAndManage(
    state,
    accountId,
    'Solo la ditta intestataria può ritirare l’affidamento del contratto.',
  );
  if (!state.offeredTo) {
    throw contractError('NoOffer', 'conflict', 'Non c’è un affidamento in attesa da ritirare.');
  }
}

/** Accepting and declining both answer an offer made to this account. */
export function guardAnswerOffer(state: ContractState, accountId: string): void {
  mustExist(state);
  if (state.offeredTo !== accountId) {
    throw contractError(
      'NoOffer',
      'conflict',
      'Non c’è un affidamento di questo contratto in attesa per te.',
    );
  }
}

export const mayClaim = (state: ContractState, accountId: string): boolean =>
  passes(() => guardClaim(state, accountId));

export const mayRelease = (state: ContractState, accountId: string): boolean =>
  passes(() => guardRelease(state, accountId));

/** Without a consultant named: whether the company may offer the contract to a new one. */
export const mayOffer = (state: ContractState, accountId: string, toAccountId?: string): boolean =>
  passes(() => guardOffer(state, accountId, toAccountId));

export const mayWithdrawOffer = (state: ContractState, accountId: string): boolean =>
  passes(() => guardWithdrawOffer(state, accountId));

export const mayAccept = (state: ContractState, accountId: string): boolean =>
  passes(() => guardAnswerOffer(state, accountId));

export const mayDecline = (state: ContractState, accountId: string): boolean =>
  passes(() => guardAnswerOffer(state, accountId));

/** «Cambia numero»: the owner or the manager asks, once at a time, for a validated contract. */
export function guardNumberChange(state: ContractState, accountId: string): void {
  mustExist(state);
  if (state.managerId !== accountId && state.ownerAccountId !== accountId) {
    throw contractError(
      'NotManager',
      'forbidden',
      'Solo la ditta intestataria o chi gestisce il contratto può chiederne il cambio di numero.',
    );
  }
  if (state.status !== 'validated') {
    throw contractError(
      'ContractNotValidated',
      'conflict',
      'Il numero si può cambiare solo a un contratto già convalidato.',
    );
  }
  if (state.plantChange) throw plantChangePending();
  if (state.numberChange) {
    throw contractError(
      'NumberChangePending',
      'conflict',
      `È già in attesa di convalida il cambio di numero in ${state.numberChange.newContractNumber}.`,
    );
  }
}

export const mayRequestNumberChange = (state: ContractState, accountId: string): boolean =>
  passes(() => guardNumberChange(state, accountId));

const plantChangePending = (field?: string) =>
  contractError(
    'PlantAddressChangePending',
    'conflict',
    'È in attesa di convalida un nuovo indirizzo dello stabilimento: attendere la decisione degli operatori.',
    field,
  );

/**
 * A new plant address («Modifica profilo»): the owner or the manager of a validated contract, one
 * request at a time, and not while its number is changing (the address goes with the number).
 */
export function guardPlantAddressChange(state: ContractState, accountId: string): void {
  mustExist(state);
  if (state.managerId !== accountId && state.ownerAccountId !== accountId) {
    throw contractError('ContractUnknown', 'not-found', 'Contratto non trovato.');
  }
  if (state.status !== 'validated') {
    throw contractError(
      'ContractNotValidated',
      'conflict',
      'L’indirizzo si può cambiare dopo la convalida del contratto da parte degli operatori.',
      'street',
    );
  }
  if (state.plantChange) throw plantChangePending('street');
  if (state.numberChange) {
    throw contractError(
      'NumberChangePending',
      'conflict',
      'È in attesa di convalida il cambio del numero di questo contratto: l’indirizzo si potrà cambiare dopo.',
      'street',
    );
  }
}

export const mayRequestPlantAddressChange = (state: ContractState, accountId: string): boolean =>
  passes(() => guardPlantAddressChange(state, accountId));

/** Whom a company may offer a contract to: an active consultant (studio) account. */
export const mayReceiveOffer = (account: {
  readonly kind: string | null;
  readonly status: string;
}): boolean => account.kind === 'studio' && account.status === 'active';

/**
 * The power each command a declarant gives needs: handing a contract over is the organisation's
 * decision (its administrators'); preparing is the compilers' work; INVIA is the signatories'.
 */
export const powerFor = {
  ClaimContract: 'manage',
  ReleaseContract: 'manage',
  OfferContract: 'manage',
  WithdrawContractOffer: 'manage',
  AcceptContract: 'manage',
  DeclineContract: 'manage',
  DeclareContract: 'prepare',
  RequestContractNumberChange: 'prepare',
  RequestPlantAddressChange: 'prepare',
  PrepareDeclaration: 'prepare',
  SubmitDeclaration: 'sign',
  // A correction is prepared like the first version, and sent again by a signatory.
  StartCorrection: 'prepare',
} as const satisfies Record<string, MemberPower>;

/** What an account may do with a contract, as the pages show it. */
export interface ContractActions {
  readonly claim: boolean;
  readonly release: boolean;
  readonly offer: boolean;
  readonly withdrawOffer: boolean;
  readonly accept: boolean;
  readonly decline: boolean;
  readonly requestNumberChange: boolean;
  readonly readHistory: boolean;
}

/** For the organisation `accountId`, and a person in it with `role`. */
export function contractActions(
  state: ContractState,
  accountId: string,
  role: MemberRole,
): ContractActions {
  const manages = holds(role, 'manage');
  return {
    claim: manages && mayClaim(state, accountId),
    release: manages && mayRelease(state, accountId),
    offer: manages && mayOffer(state, accountId),
    withdrawOffer: manages && mayWithdrawOffer(state, accountId),
    accept: manages && mayAccept(state, accountId),
    decline: manages && mayDecline(state, accountId),
    requestNumberChange: holds(role, 'prepare') && mayRequestNumberChange(state, accountId),
    readHistory: mayRead(state, accountId),
  };
}
