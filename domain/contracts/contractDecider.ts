import { renameContractCompany, type RenameContractCompany } from './renameContractCompany.js';
import { streamCodec } from '../shared/streamCodec.js';
import { decideDeclaration, type DeclarationCommand } from '../declarations/declarationCommands.js';
import type { Decider } from '../shared/decider.js';
import { mustHold } from '../accounts/members.js';
import { powerFor } from './contractPermissions.js';
import { acceptContract, type AcceptContract } from './acceptContract.js';
import { claimContract, type ClaimContract } from './claimContract.js';
import { declineContract, type DeclineContract } from './declineContract.js';
import { offerContract, type OfferContract } from './offerContract.js';
import { releaseContract, type ReleaseContract } from './releaseContract.js';
import { withdrawContractOffer, type WithdrawContractOffer } from './withdrawContractOffer.js';
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
import {
  rejectPlantAddressChange,
  requestPlantAddressChange,
  validatePlantAddressChange,
  type RejectPlantAddressChange,
  type RequestPlantAddressChange,
  type ValidatePlantAddressChange,
} from './changePlantAddress.js';
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
  | RequestPlantAddressChange
  | ValidatePlantAddressChange
  | RejectPlantAddressChange
  | RenameContractCompany
  | DeclarationCommand;

export const contractStream = streamCodec<[contractNumber: string], ContractEvent>(
  'contract-',
  (contractNumber) => contractNumber,
);

export const contractDecider: Decider<ContractState, ContractCommand, ContractEvent> = {
  initialState: initialContractState,
  evolve: evolveContract,
  decide(command, state) {
    // A declarant's person must hold the power the command needs, whatever the contract says.
    if ('role' in command) mustHold(command.role, powerFor[command.type]);
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
      case 'RequestPlantAddressChange':
        return requestPlantAddressChange(command, state);
      case 'ValidatePlantAddressChange':
        return validatePlantAddressChange(command, state);
      case 'RejectPlantAddressChange':
        return rejectPlantAddressChange(command, state);
      case 'RenameContractCompany':
        return renameContractCompany(command, state);
      default:
        // The year's declaration, decided on the contract's state (README.md here says why).
        return decideDeclaration(command, state);
    }
  },
};
