import { prepareDeclaration, type PrepareDeclaration } from '../declarations/prepareDeclaration.js';
import {
  protocolDeclaration,
  resendCopyOfRecord,
  submitDeclaration,
  storeCopyOfRecord,
  type ProtocolDeclaration,
  type StoreCopyOfRecord,
  type ResendCopyOfRecord,
  type SubmitDeclaration,
} from '../declarations/submitDeclaration.js';
import type { Decider } from '../shared/decider.js';
import {
  acceptContract,
  claimContract,
  declineContract,
  offerContract,
  releaseContract,
  withdrawContractOffer,
  type AcceptContract,
  type ClaimContract,
  type DeclineContract,
  type OfferContract,
  type ReleaseContract,
  type WithdrawContractOffer,
} from './changeManager.js';
import {
  openRenumberedContract,
  rejectContractNumberChange,
  requestContractNumberChange,
  validateContractNumberChange,
  type OpenRenumberedContract,
  type RejectContractNumberChange,
  type RequestContractNumberChange,
  type ValidateContractNumberChange,
} from './changeContractNumber.js';
import { evolveContract, initialContractState, type ContractState } from './contract.js';
import type { ContractEvent } from './contractEvents.js';
import {
  linkContractOwner,
  rejectContractOwner,
  validateContractOwner,
  type LinkContractOwner,
  type RejectContractOwner,
  type ValidateContractOwner,
} from './contractOwner.js';
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
  | LinkContractOwner
  | ValidateContractOwner
  | RejectContractOwner
  | ClaimContract
  | ReleaseContract
  | OfferContract
  | AcceptContract
  | DeclineContract
  | WithdrawContractOffer
  | RequestContractNumberChange
  | ValidateContractNumberChange
  | RejectContractNumberChange
  | OpenRenumberedContract
  | PrepareDeclaration
  | SubmitDeclaration
  | ProtocolDeclaration
  | StoreCopyOfRecord
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
      case 'LinkContractOwner':
        return linkContractOwner(command, state);
      case 'ValidateContractOwner':
        return validateContractOwner(command, state);
      case 'RejectContractOwner':
        return rejectContractOwner(command, state);
      case 'ClaimContract':
        return claimContract(command, state);
      case 'ReleaseContract':
        return releaseContract(command, state);
      case 'OfferContract':
        return offerContract(command, state);
      case 'AcceptContract':
        return acceptContract(command, state);
      case 'DeclineContract':
        return declineContract(command, state);
      case 'WithdrawContractOffer':
        return withdrawContractOffer(command, state);
      case 'RequestContractNumberChange':
        return requestContractNumberChange(command, state);
      case 'ValidateContractNumberChange':
        return validateContractNumberChange(command, state);
      case 'RejectContractNumberChange':
        return rejectContractNumberChange(command, state);
      case 'OpenRenumberedContract':
        return openRenumberedContract(command, state);
      case 'PrepareDeclaration':
        return prepareDeclaration(command, state);
      case 'SubmitDeclaration':
        return submitDeclaration(command, state);
      case 'ProtocolDeclaration':
        return protocolDeclaration(command, state);
      case 'StoreCopyOfRecord':
        return storeCopyOfRecord(command, state);
      case 'ResendCopyOfRecord':
        return resendCopyOfRecord(command, state);
    }
  },
};
