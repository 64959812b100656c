import { romeDay } from '../shared/italianDate.js';
import type { ByMember } from '../accounts/members.js';
import type { ContractState } from '../contracts/contract.js';
import type { ContractEvent } from '../contracts/contractEvents.js';
import type { InclusionReceipt } from '../audit/treeHeads.js';
import type { CopyOfRecord, Signatory } from './declarationEvents.js';
import { certify } from './certification.js';
import { declarationError } from './declarationErrors.js';
import { declarationOf, protocolledOf } from './declarationState.js';
import { mustBeAbleToFile } from './prepareDeclaration.js';

export interface SubmitDeclaration extends ByMember {
  readonly type: 'SubmitDeclaration';
  readonly signatory: Signatory;
  readonly year: number;
  /** ISO date of the campaign's deadline. */
  readonly deadline: string;
  readonly warningsAcknowledged: boolean;
  /** The company's legal representative, named in the self-declaration. */
  readonly legalRepresentative: string;
  /** The sender made the self-declaration, having confirmed it with their password. */
  readonly certified: boolean;
  readonly receivedAt: Date;
}

/** Late when received after the deadline day, in the utility's time zone. */
export const isLate = (receivedAt: Date, deadline: string): boolean =>
  romeDay(receivedAt) > deadline;

/** The warnings of the draft must have been confirmed as read, when there are any. */
export function mustAcknowledgeWarnings(warnings: readonly unknown[], acknowledged: boolean): void {
  if (warnings.length > 0 && !acknowledged) {
    throw declarationError(
      'WarningsNotAcknowledged',
      'validation',
      'Conferma di aver letto le segnalazioni prima di inviare.',
      'conferma-segnalazioni',
    );
  }
}

/**
 * INVIA: the draft as validated is filed, knowingly (warnings confirmed), with the sender's
 * self-declaration (certification.ts), and marked if late.
 */
export function submitDeclaration(
  command: SubmitDeclaration,
  state: ContractState,
): ContractEvent[] {
  const { year, signatory } = command;
  mustBeAbleToFile(state, signatory.accountId, year);
  const draft = declarationOf(state.declarations, year).draft;
  if (!draft || draft.preparedBy !== signatory.accountId) {
    throw declarationError(
      'NoDraft',
      'conflict',
      'Non ci sono file validati da inviare: carica di nuovo la dichiarazione.',
    );
  }
  mustAcknowledgeWarnings(draft.warnings, command.warningsAcknowledged);
  const { correction, submitted } = declarationOf(state.declarations, year);
  if (correction && submitted?.review?.outcome === 'accettata') {
    throw declarationError(
      'AcceptedDeclaration',
      'conflict',
      'La dichiarazione è stata accettata mentre la rettificavi: per inviarla chiedi al gestore di riaprirla.',
    );
  }
  const certification = certify(
    {
      sender: signatory.name,
      // The contract's company, not the name typed in the workbook.
      companyName: state.companyName ?? draft.figures.companyName,
      legalRepresentative: command.legalRepresentative,
      onBehalf: signatory.kind === 'studio',
    },
    command.certified,
    command.receivedAt,
  );
  return [
    {
      type: 'DeclarationSubmitted',
      data: {
        year: draft.year,
        templateVersion: draft.templateVersion,
        notificationEmail: draft.notificationEmail,
        files: draft.files,
        figures: draft.figures,
        analyses: draft.analyses,
        checklist: draft.checklist ?? null,
        contractLimits: draft.contractLimits ?? [],
        warnings: draft.warnings,
        signatory,
        receivedAt: command.receivedAt.toISOString(),
        deadline: command.deadline,
        late: isLate(command.receivedAt, command.deadline),
        warningsAcknowledged: draft.warnings.length > 0,
        certification,
        ...(correction ? { corrects: correction } : {}),
      },
    },
  ];
}

export interface ProtocolDeclaration {
  readonly type: 'ProtocolDeclaration';
  readonly year: number;
  readonly protocolNumber: string;
}

/** The register's number, once per submission. */
export function protocolDeclaration(
  command: ProtocolDeclaration,
  state: ContractState,
): ContractEvent[] {
  const submitted = declarationOf(state.declarations, command.year).submitted;
  if (!submitted) {
    throw declarationError('NotSubmitted', 'conflict', 'La dichiarazione non è stata inviata.');
  }
  if (submitted.protocolNumber) return [];
  return [
    {
      type: 'DeclarationProtocolled',
      data: {
        year: command.year,
        protocolNumber: command.protocolNumber,
        notificationEmail: submitted.notificationEmail,
      },
    },
  ];
}

export interface StoreCopyOfRecord {
  readonly type: 'StoreCopyOfRecord';
  readonly year: number;
  /** The version the copy was rendered for: a later version never takes it. */
  readonly protocolNumber: string;
  readonly copyOfRecord: CopyOfRecord;
  readonly receipt: InclusionReceipt;
}

/** The copy of record, rendered with the protocol number, once: it is never made again. */
export function storeCopyOfRecord(
  command: StoreCopyOfRecord,
  state: ContractState,
): ContractEvent[] {
  const submitted = protocolledOf(state.declarations, command.year);
  if (submitted.copyOfRecord || submitted.protocolNumber !== command.protocolNumber) return [];
  return [
    {
      type: 'CopyOfRecordStored',
      data: {
        year: command.year,
        protocolNumber: submitted.protocolNumber,
        copyOfRecord: command.copyOfRecord,
        receipt: command.receipt,
        notificationEmail: submitted.notificationEmail,
        ...(submitted.corrects ? { corrects: submitted.corrects } : {}),
      },
    },
  ];
}

export interface ResendCopyOfRecord {
  readonly type: 'ResendCopyOfRecord';
  readonly accountId: string;
  readonly year: number;
  readonly requestedAt: Date;
}

/** Each resend mails the PDF again: a few an hour per declaration, so the button cannot spam. */
export const resendLimit = { count: 3, windowMinutes: 60 } as const;

const romeTime = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  hour: '2-digit',
  minute: '2-digit',
});

function mustBeUnderResendLimit(resentAt: readonly string[], requestedAt: Date): void {
  const windowMs = resendLimit.windowMinutes * 60_000;
  const recent = resentAt.filter((at) => requestedAt.getTime() - Date.parse(at) < windowMs);
  if (recent.length < resendLimit.count) return;
  const nextAt = new Date(Date.parse(recent[recent.length - resendLimit.count]!) + windowMs);
  throw declarationError(
    'ResendLimitReached',
    'conflict',
    `La copia è già stata reinviata ${resendLimit.count} volte nell'ultima ora: potrai chiedere un nuovo invio dalle ${romeTime.format(nextAt)}.`,
  );
}

/** "Reinvia una copia stampabile … all'indirizzo di notifica precedentemente indicato". */
export function resendCopyOfRecord(
  command: ResendCopyOfRecord,
  state: ContractState,
): ContractEvent[] {
  const submitted = declarationOf(state.declarations, command.year).submitted;
  if (!submitted?.protocolNumber || !submitted.copyOfRecord) {
    throw declarationError(
      'NotSubmitted',
      'conflict',
      'La dichiarazione non è ancora protocollata.',
    );
  }
  mustBeUnderResendLimit(submitted.resentAt, command.requestedAt);
  return [
    {
      type: 'CopyOfRecordResent',
      data: {
        year: command.year,
        protocolNumber: submitted.protocolNumber,
        copyOfRecord: submitted.copyOfRecord,
        ...(submitted.receipt ? { receipt: submitted.receipt } : {}),
        to: submitted.notificationEmail,
        requestedBy: command.accountId,
        requestedAt: command.requestedAt.toISOString(),
      },
    },
  ];
}
