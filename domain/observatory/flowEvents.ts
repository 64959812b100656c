import type { YearMonth } from './months.js';

/** One line of a month: a waste fraction, how it was collected and where it went. */
export interface FlowRow {
  /** Six digits, e.g. '200301'. */
  readonly eerCode: string;
  /** Up to 3 decimals. */
  readonly tonnes: number;
  readonly collectionMethod: string;
  readonly transporter: string;
  readonly destinationPlant: string;
  /** R1–R13 or D1–D15. */
  readonly operation: string;
}

/** A municipality's month: `waste-flow-<istat>-<YYYY-MM>`. Every submitted version is kept. */
export type FlowEvent =
  | {
      type: 'FlowDraftSaved';
      data: { istatCode: string; month: YearMonth; rows: FlowRow[]; savedBy: string };
    }
  | {
      type: 'MonthlyFlowSubmitted';
      data: {
        istatCode: string;
        month: YearMonth;
        version: number;
        rows: FlowRow[];
        submittedBy: string;
        submittedAt: string;
        dueDate: string;
        daysLate: number;
        /** More than 30 days late (counted on the first version only). */
        affectsFunding: boolean;
      };
    }
  | {
      type: 'FlowUnlockRequested';
      data: { istatCode: string; month: YearMonth; reason: string; requestedBy: string };
    }
  | {
      type: 'MonthlyFlowUnlocked';
      data: { istatCode: string; month: YearMonth; decidedBy: string; note: string | null };
    }
  | {
      type: 'FlowUnlockRejected';
      data: { istatCode: string; month: YearMonth; decidedBy: string; reason: string };
    }
  | {
      /** The Region sent the month's year back: editable again, whatever the 4-month window. */
      type: 'MonthlyFlowReturned';
      data: {
        istatCode: string;
        month: YearMonth;
        remarks: string;
        returnedBy: string;
        /** The reason of the municipality's own unlock request this return answers, if one was pending. */
        supersededUnlockRequest: string | null;
      };
    };
