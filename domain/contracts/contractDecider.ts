import { prepareDeclaration, type PrepareDeclaration } from '../declarations/prepareDeclaration.js';
import {
  protocolDeclaration,
  resendCopyOfRecord,
  submitDeclaration,
  type ProtocolDeclaration,
  type ResendCopyOfRecord,
  type SubmitDeclaration,
} from '../declarations/submitDeclaration.js';
import type { Decider } from '../shared/decider.js';
import {
  acceptContract,
  claimContract,
  offerContract,
  releaseContract,
  type AcceptContract,
  type ClaimContract,
  type OfferContract,
  type ReleaseContract,
} from './changeManager.js';
import { evolveContract, initialContractState, type ContractState } from './contract.js';
import type { ContractEvent } from './contractEvents.js';
import {
  declareContract,
  rejectContract,
  validateContract,
  type DeclareContract,
  type RejectContract,
  type ValidateContract,
} from './declareContract.js';

export type ContractCommand =
  | DeclareContract
  | ValidateContract
  | RejectContract
  | ClaimContract
  | ReleaseContract
  | OfferContract
  | AcceptContract
  | PrepareDeclaration
  | SubmitDeclaration
  | ProtocolDeclaration
  | ResendCopyOfRecord;

export const contractStreamId = (contractNumber: string): string => `contract-${contractNumber}`;

export const contractDecider: Decider<ContractState, ContractCommand, ContractEvent> = {
  initialState: initialContractState,
  evolve: evolveContract,
  decide(command, state) {
    switch (command.type) {
      case 'DeclareContract':
        return declareContract(command, state);
      case 'ValidateContract':
        return validateContract(command, state);
      case 'RejectContract':
        return rejectContract(command, state);
      case 'ClaimContract':
        return claimContract(command, state);
      case 'ReleaseContract':
        return releaseContract(command, state);
      case 'OfferContract':
        return offerContract(command, state);
      case 'AcceptContract':
        return acceptContract(command, state);
      case 'PrepareDeclaration':
        return prepareDeclaration(command, state);
      case 'SubmitDeclaration':
        return submitDeclaration(command, state);
      case 'ProtocolDeclaration':
        return protocolDeclaration(command, state);
      case 'ResendCopyOfRecord':
        return resendCopyOfRecord(command, state);
    }
  },
};
