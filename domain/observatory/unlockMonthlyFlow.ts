import type { FlowEvent } from './flowEvents.js';
import {
  mayRequestUnlock,
  monthLabel,
  monthOf,
  monthsBetween,
  unlockWindow,
  unlockWindowMonths,
  type YearMonth,
} from './months.js';
import type { MonthlyFlowState } from './monthlyFlow.js';
import { observatoryError } from './observatoryErrors.js';

/** The seed's sentence: the general rule, shown beside the request for an unlock. */
export const unlockRule =
  'È consentito richiedere lo sblocco dei flussi solo per le n. 4 mensilità antecedenti la comunicazione di richiesta di modifica degli stessi.';

/**
 * Why this month cannot be unlocked at that instant, naming the month and the months that can;
 * null when it can. The page says it before anyone asks, the decider when someone does.
 */
export function unlockRefusal(month: YearMonth, at: Date): string | null {
  if (mayRequestUnlock(month, at)) return null;
  const window = unlockWindow(at);
  const rule = `lo sblocco si può chiedere solo per le ${unlockWindowMonths} mensilità precedenti la richiesta (da ${monthLabel(window.from)} a ${monthLabel(window.to)})`;
  return monthsBetween(month, monthOf(at)) < 1
    ? `Il mese di ${monthLabel(month)} non è ancora concluso: ${rule}.`
    : `Il mese di ${monthLabel(month)} non può più essere sbloccato: ${rule}.`;
}

/**
 * A validated year's months are not unlocked on request: the certified rate stands on them. The
 * Region reopens them by sending the year back (ReturnMonthlyFlow).
 */
export const validatedYearRefusal = (month: YearMonth): string =>
  `L’anno ${month.slice(0, 4)} è stato validato dalla Regione: i suoi mesi non si sbloccano più su richiesta. Per una correzione scrivi all’Osservatorio, che può rinviare l’anno con osservazioni.`;

interface UnlockCommand {
  readonly istatCode: string;
  readonly month: YearMonth;
}

/** Whether the Region has validated the month's year (its stream, read with the command). */
interface OfValidatedYear {
  readonly yearValidated: boolean;
}

export interface RequestFlowUnlock extends UnlockCommand, OfValidatedYear {
  readonly type: 'RequestFlowUnlock';
  readonly officerId: string;
  readonly reason: string;
  readonly now: Date;
}

export interface UnlockMonthlyFlow extends UnlockCommand, OfValidatedYear {
  readonly type: 'UnlockMonthlyFlow';
  readonly adminId: string;
  readonly note: string | null;
}

export interface RejectFlowUnlock extends UnlockCommand {
  readonly type: 'RejectFlowUnlock';
  readonly adminId: string;
  readonly reason: string;
}

const needsReason = (reason: string, field: string) => {
  if (reason.trim().length < 10) {
    throw observatoryError(
      'ReasonRequired',
      'validation',
      'Indicare il motivo (almeno 10 caratteri).',
      field,
    );
  }
};

export function requestFlowUnlock(
  command: RequestFlowUnlock,
  state: MonthlyFlowState,
): FlowEvent[] {
  if (state.status === 'unlock-requested') {
    throw observatoryError(
      'UnlockAlreadyRequested',
      'conflict',
      'Lo sblocco di questo mese è già stato richiesto: attendi la decisione.',
    );
  }
  if (state.status !== 'submitted') {
    throw observatoryError(
      'FlowNotSubmitted',
      'conflict',
      'Il mese non è bloccato: puoi modificarlo senza chiedere lo sblocco.',
    );
  }
  const refusal = unlockRefusal(command.month, command.now);
  if (refusal) throw observatoryError('UnlockOutsideWindow', 'validation', refusal, 'motivo');
  if (command.yearValidated) {
    throw observatoryError(
      'YearValidated',
      'validation',
      validatedYearRefusal(command.month),
      'motivo',
    );
  }
  needsReason(command.reason, 'motivo');
  const { istatCode, month, officerId } = command;
  return [
    {
      type: 'FlowUnlockRequested',
      data: { istatCode, month, reason: command.reason.trim(), requestedBy: officerId },
    },
  ];
}

const mustBeRequested = (state: MonthlyFlowState) => {
  if (state.status !== 'unlock-requested') {
    throw observatoryError(
      'NoUnlockRequest',
      'conflict',
      'Non c’è una richiesta di sblocco in attesa per questo mese.',
    );
  }
};

/** UnlockMonthlyFlow: an admin grants the request; the officer can edit and file a new version. */
export function unlockMonthlyFlow(
  command: UnlockMonthlyFlow,
  state: MonthlyFlowState,
): FlowEvent[] {
  mustBeRequested(state);
  if (command.yearValidated) {
    throw observatoryError(
      'YearValidated',
      'conflict',
      `L’anno ${command.month.slice(0, 4)} del comune è validato dalla Regione: per riaprire ${monthLabel(command.month)} rinvia l’anno con osservazioni dalla validazione annuale (la validazione sarà ritirata).`,
      'nota',
    );
  }
  const { istatCode, month, adminId, note } = command;
  return [{ type: 'MonthlyFlowUnlocked', data: { istatCode, month, decidedBy: adminId, note } }];
}

export function rejectFlowUnlock(command: RejectFlowUnlock, state: MonthlyFlowState): FlowEvent[] {
  mustBeRequested(state);
  needsReason(command.reason, 'motivo-rifiuto');
  const { istatCode, month, adminId } = command;
  return [
    {
      type: 'FlowUnlockRejected',
      data: { istatCode, month, decidedBy: adminId, reason: command.reason.trim() },
    },
  ];
}
