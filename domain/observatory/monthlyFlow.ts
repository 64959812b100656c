import type { FlowEvent, FlowRow } from './flowEvents.js';

export type FlowStatus = 'empty' | 'draft' | 'submitted' | 'unlock-requested' | 'unlocked';

export interface MonthlyFlowState {
  readonly status: FlowStatus;
  /** The rows being edited: the draft, or the last version once submitted. */
  readonly rows: readonly FlowRow[];
  /** Submitted versions so far. */
  readonly versions: number;
  readonly firstSubmittedAt: string | null;
  readonly unlockReason: string | null;
}

/** A version submitted, as the month's page lists it; its rows stay in the log. */
export interface ListedFlowVersion {
  readonly version: number;
  readonly submittedAt: string;
  /** 'cf:<fiscal code>': the municipality's user or a delegate. */
  readonly submittedBy: string;
  readonly daysLate: number;
}

/** The Region's last send-back of the month: its remarks, and whether a version followed. */
export interface RegionReturn {
  readonly remarks: string;
  readonly returnedAt: string;
  readonly resubmitted: boolean;
}

export const initialFlowState = (): MonthlyFlowState => ({
  status: 'empty',
  rows: [],
  versions: 0,
  firstSubmittedAt: null,
  unlockReason: null,
});

export function evolveFlow(state: MonthlyFlowState, event: FlowEvent): MonthlyFlowState {
  switch (event.type) {
    case 'FlowDraftSaved':
      return {
        ...state,
        status: state.status === 'unlocked' ? 'unlocked' : 'draft',
        rows: event.data.rows,
      };
    case 'MonthlyFlowSubmitted':
      return {
        ...state,
        status: 'submitted',
        rows: event.data.rows,
        versions: event.data.version,
        firstSubmittedAt: state.firstSubmittedAt ?? event.data.submittedAt,
        unlockReason: null,
      };
    case 'FlowUnlockRequested':
      return { ...state, status: 'unlock-requested', unlockReason: event.data.reason };
    case 'MonthlyFlowUnlocked':
      return { ...state, status: 'unlocked' };
    case 'MonthlyFlowReturned':
      return { ...state, status: 'unlocked', unlockReason: null };
    case 'FlowUnlockRejected':
      return { ...state, status: 'submitted', unlockReason: null };
  }
}

/** A submitted month is locked until an admin unlocks it. */
export const isLocked = (state: MonthlyFlowState): boolean =>
  state.status === 'submitted' || state.status === 'unlock-requested';
