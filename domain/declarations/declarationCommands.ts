import type { ContractState } from '../contracts/contract.js';
import type { ContractEvent } from '../contracts/contractEvents.js';
import { prepareDeclaration, type PrepareDeclaration } from './prepareDeclaration.js';
import { reviewDeclaration, type ReviewDeclaration } from './reviewDeclaration.js';
import {
  reopenDeclaration,
  startCorrection,
  type ReopenDeclaration,
  type StartCorrection,
} from './correctDeclaration.js';
import {
  protocolDeclaration,
  resendCopyOfRecord,
  storeCopyOfRecord,
  submitDeclaration,
  type ProtocolDeclaration,
  type ResendCopyOfRecord,
  type StoreCopyOfRecord,
  type SubmitDeclaration,
} from './submitDeclaration.js';

/**
 * What can be done to a year's declaration: save the draft, send it (INVIA), number it, keep its
 * copy of record, mail the copy again, record the utility's outcome. Each is decided on the state of the contract it belongs
 * to and appended to the contract's stream, so a declaration is filed only by whoever manages
 * the contract at that moment (domain/contracts/README.md).
 */
export type DeclarationCommand =
  | PrepareDeclaration
  | SubmitDeclaration
  | ProtocolDeclaration
  | StoreCopyOfRecord
  | ResendCopyOfRecord
  | ReviewDeclaration
  | StartCorrection
  | ReopenDeclaration;

export function decideDeclaration(
  command: DeclarationCommand,
  state: ContractState,
): ContractEvent[] {
  switch (command.type) {
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
    case 'ReviewDeclaration':
      return reviewDeclaration(command, state);
    case 'StartCorrection':
      return startCorrection(command, state);
    case 'ReopenDeclaration':
      return reopenDeclaration(command, state);
  }
}
