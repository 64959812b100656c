import type { FlowEvent } from './flowEvents.js';
import { mayRequestUnlock, monthLabel, type YearMonth } from './months.js';
import type { MonthlyFlowState } from './monthlyFlow.js';
import { observatoryError } from './observatoryErrors.js';

/** The seed's sentence, shown when a month is too old to be unlocked. */
export const unlockRule =
  'È consentito richiedere lo sblocco dei flussi solo per le n. 4 mensilità antecedenti la comunicazione di richiesta di modifica degli stessi.';

interface UnlockCommand {
  readonly istatCode: string;
  readonly month: YearMonth;
}

export interface RequestFlowUnlock extends UnlockCommand {
  readonly type: 'RequestFlowUnlock';
  readonly officerId: string;
  readonly reason: string;
  readonly now: Date;
}

export interface UnlockMonthlyFlow extends UnlockCommand {
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
  if (!mayRequestUnlock(command.month, command.now)) {
    throw observatoryError(
      'UnlockOutsideWindow',
      'validation',
      `Non è possibile chiedere lo sblocco di ${monthLabel(command.month)}. ${unlockRule}`,
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
