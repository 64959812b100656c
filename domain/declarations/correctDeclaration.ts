import type { ByMember } from '../accounts/members.js';
import { mayFile, type ContractState } from '../contracts/contract.js';
import type { ContractEvent } from '../contracts/contractEvents.js';
import { declarationError } from './declarationErrors.js';
import { declarationOf, protocolledOf } from './declarationState.js';
import { mustBeTheVersionSeen, whoIsTold } from './reviewDeclaration.js';

/*
 * A correction (rettifica) of a filed year: the declarant gives a reason, files again through the
 * wizard, and INVIA gives a new protocol number that names the one it replaces. Every version
 * keeps its own copy of record; the latest is the one in force. An accepted declaration is
 * corrected only after the utility reopens it, with its own reason.
 */

/** What a correction replaces, as DeclarationSubmitted and the copy of record carry it. */
export interface Correction {
  readonly replaces: string;
  readonly reason: string;
}

export interface StartCorrection extends ByMember {
  readonly type: 'StartCorrection';
  readonly accountId: string;
  readonly year: number;
  readonly reason: string;
}

export interface ReopenDeclaration {
  readonly type: 'ReopenDeclaration';
  readonly year: number;
  /** The version the operator saw: a newer one is not reopened by mistake. */
  readonly protocolNumber: string;
  readonly reason: string;
  readonly operator: { readonly accountId: string; readonly name: string };
  /** The company's own address, when someone else (a consultant) filed for it. */
  readonly companyEmail: string | null;
}

const reasonNeeded = (message: string) =>
  declarationError('ReasonMissing', 'validation', message, 'motivo');

/** Opens the filed year to a new version, once: starting it again changes nothing. */
export function startCorrection(command: StartCorrection, state: ContractState): ContractEvent[] {
  if (!mayFile(state, command.accountId)) {
    throw declarationError(
      'NotManager',
      'forbidden',
      'Solo chi gestisce il contratto può rettificarne la dichiarazione.',
    );
  }
  const submitted = protocolledOf(state.declarations, command.year);
  if (!submitted.copyOfRecord) {
    throw declarationError(
      'NotSubmitted',
      'conflict',
      'La copia della dichiarazione è in preparazione: riprova tra qualche istante.',
    );
  }
  if (command.reason.trim() === '') throw reasonNeeded('Indica il motivo della rettifica.');
  if (declarationOf(state.declarations, command.year).correction) return [];
  if (submitted.review?.outcome === 'accettata') {
    throw declarationError(
      'AcceptedDeclaration',
      'conflict',
      'La dichiarazione è stata accettata: per rettificarla chiedi al gestore di riaprirla.',
    );
  }
  return [
    {
      type: 'DeclarationCorrectionStarted',
      data: {
        year: command.year,
        replaces: submitted.protocolNumber,
        reason: command.reason.trim(),
        startedBy: command.accountId,
      },
    },
  ];
}

/** The utility takes back its acceptance, with a reason, and tells whom an outcome tells. */
export function reopenDeclaration(
  command: ReopenDeclaration,
  state: ContractState,
): ContractEvent[] {
  const submitted = declarationOf(state.declarations, command.year).submitted;
  mustBeTheVersionSeen(submitted?.protocolNumber ?? null, command.protocolNumber);
  if (submitted?.review?.outcome !== 'accettata' || !submitted.protocolNumber) {
    throw declarationError(
      'NotAccepted',
      'conflict',
      'Si riapre solo una dichiarazione accettata.',
    );
  }
  if (command.reason.trim() === '') throw reasonNeeded('Indica il motivo della riapertura.');
  return [
    {
      type: 'DeclarationReopened',
      data: {
        year: command.year,
        protocolNumber: submitted.protocolNumber,
        reason: command.reason.trim(),
        reopenedBy: command.operator,
        notified: whoIsTold(submitted.notificationEmail, command.companyEmail),
      },
    },
  ];
}
