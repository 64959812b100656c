import type { FlowEvent } from './flowEvents.js';
import { monthLabel, type YearMonth } from './months.js';
import type { MonthlyFlowState } from './monthlyFlow.js';
import { observatoryError } from './observatoryErrors.js';

/**
 * ReturnMonthlyFlow: the Region's send-back of a year reaches one of the months it names. The
 * month becomes editable again, whatever the 4-month window of unlock requests, and carries the
 * remarks the municipality reads on the month's page; a pending unlock request is answered by it.
 * Issued for each month of a YearSentBack, with a command id derived from that event.
 */
export interface ReturnMonthlyFlow {
  readonly type: 'ReturnMonthlyFlow';
  readonly istatCode: string;
  readonly month: YearMonth;
  readonly adminId: string;
  readonly remarks: string;
}

export function returnMonthlyFlow(
  command: ReturnMonthlyFlow,
  state: MonthlyFlowState,
): FlowEvent[] {
  // A month already unlocked (by a request granted meanwhile) still gets the remarks.
  if (state.versions === 0) {
    throw observatoryError(
      'FlowNotSubmitted',
      'conflict',
      `Il mese di ${monthLabel(command.month)} non è mai stato inviato: non c’è nulla da rinviare.`,
    );
  }
  const { istatCode, month, adminId, remarks } = command;
  return [
    {
      type: 'MonthlyFlowReturned',
      data: {
        istatCode,
        month,
        remarks,
        returnedBy: adminId,
        supersededUnlockRequest:
          state.status === 'unlock-requested' ? (state.unlockReason ?? '') : null,
      },
    },
  ];
}
