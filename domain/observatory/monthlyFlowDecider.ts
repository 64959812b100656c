import { streamCodec } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import {
  saveFlowDraft,
  submitMonthlyFlow,
  type SaveFlowDraft,
  type SubmitMonthlyFlow,
} from './fileMonthlyFlow.js';
import type { FlowEvent } from './flowEvents.js';
import type { YearMonth } from './months.js';
import { evolveFlow, initialFlowState, type MonthlyFlowState } from './monthlyFlow.js';
import { returnMonthlyFlow, type ReturnMonthlyFlow } from './returnMonthlyFlow.js';
import {
  rejectFlowUnlock,
  requestFlowUnlock,
  unlockMonthlyFlow,
  type RejectFlowUnlock,
  type RequestFlowUnlock,
  type UnlockMonthlyFlow,
} from './unlockMonthlyFlow.js';

export type FlowCommand =
  | SaveFlowDraft
  | SubmitMonthlyFlow
  | RequestFlowUnlock
  | UnlockMonthlyFlow
  | RejectFlowUnlock
  | ReturnMonthlyFlow;

export const flowStream = streamCodec<[istatCode: string, month: YearMonth], FlowEvent>(
  'waste-flow-',
  (istatCode, month) => `${istatCode}-${month}`,
);

export const monthlyFlowDecider: Decider<MonthlyFlowState, FlowCommand, FlowEvent> = {
  initialState: initialFlowState,
  evolve: evolveFlow,
  decide(command, state) {
    switch (command.type) {
      case 'SaveFlowDraft':
        return saveFlowDraft(command, state);
      case 'SubmitMonthlyFlow':
        return submitMonthlyFlow(command, state);
      case 'RequestFlowUnlock':
        return requestFlowUnlock(command, state);
      case 'UnlockMonthlyFlow':
        return unlockMonthlyFlow(command, state);
      case 'RejectFlowUnlock':
        return rejectFlowUnlock(command, state);
      case 'ReturnMonthlyFlow':
        return returnMonthlyFlow(command, state);
    }
  },
};
