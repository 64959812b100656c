import { describe, expect, it } from 'vitest';
import type { FlowEvent, FlowRow } from '../../../domain/observatory/flowEvents.js';
import {
  daysLate,
  dueDate,
  lastUnlockDay,
  mayRequestUnlock,
} from '../../../domain/observatory/months.js';
import {
  monthlyFlowDecider,
  type FlowCommand,
} from '../../../domain/observatory/monthlyFlowDecider.js';
import { maxRowTonnes } from '../../../domain/observatory/fileMonthlyFlow.js';
import { unlockRefusal } from '../../../domain/observatory/unlockMonthlyFlow.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const spec = deciderSpec(monthlyFlowDecider);
const row: FlowRow = {
  eerCode: '200301',
  tonnes: 120.5,
  collectionMethod: 'porta-a-porta',
  transporter: 'Ecologia Srl',
  destinationPlant: 'Impianto TMB di Bari',
  operation: 'D8',
};
const base = {
  istatCode: '072006',
  month: '2026-09',
  officerId: 'cf:RSSMRA80A01A662X',
  rows: [row],
};
const at = (iso: string) => new Date(iso);
const submit = (now: string, rows = [row]): FlowCommand => ({
  type: 'SubmitMonthlyFlow',
  ...base,
  rows,
  now: at(now),
});
const submitted = (
  version: number,
  submittedAt: string,
  late = 0,
  affectsFunding = false,
): FlowEvent => ({
  type: 'MonthlyFlowSubmitted',
  data: {
    istatCode: '072006',
    month: '2026-09',
    version,
    rows: [row],
    submittedBy: base.officerId,
    submittedAt,
    dueDate: '2026-10-15',
    daysLate: late,
    affectsFunding,
  },
});
const requested: FlowEvent = {
  type: 'FlowUnlockRequested',
  data: {
    istatCode: '072006',
    month: '2026-09',
    reason: 'Quantità del vetro errata',
    requestedBy: base.officerId,
  },
};
const unlocked: FlowEvent = {
  type: 'MonthlyFlowUnlocked',
  data: { istatCode: '072006', month: '2026-09', decidedBy: 'cf:admin', note: null },
};

describe('deadline and lateness', () => {
  it('falls on the 15th of the following month, across the year end', () => {
    expect(dueDate('2026-09')).toBe('2026-10-15');
    expect(dueDate('2026-12')).toBe('2027-01-15');
  });
  it('counts Italian calendar days after the due date', () => {
    expect(daysLate('2026-09', at('2026-10-15T21:59:00Z'))).toBe(0); // 23:59 in Rome
    expect(daysLate('2026-09', at('2026-10-15T22:00:00Z'))).toBe(1); // midnight in Rome
    expect(daysLate('2026-09', at('2026-11-20T10:00:00Z'))).toBe(36);
  });
});

describe('SubmitMonthlyFlow', () => {
  it('files an ended month on time and locks it', () =>
    spec
      .given([])
      .when(submit('2026-10-10T09:00:00Z'))
      .then([submitted(1, '2026-10-10T09:00:00.000Z')]));
  it('marks a late month, and more than 30 days late as affecting funding', () => {
    spec
      .given([])
      .when(submit('2026-10-20T09:00:00Z'))
      .then([submitted(1, '2026-10-20T09:00:00.000Z', 5)]);
    spec
      .given([])
      .when(submit('2026-11-20T09:00:00Z'))
      .then([submitted(1, '2026-11-20T09:00:00.000Z', 36, true)]);
  });
  it('refuses a month that has not ended', () =>
    spec.given([]).when(submit('2026-09-30T09:00:00Z')).thenThrows('MonthNotEnded', 'mese'));
  it('refuses a submitted month: it is locked', () =>
    spec
      .given([submitted(1, '2026-10-10T09:00:00.000Z')])
      .when(submit('2026-10-11T09:00:00Z'))
      .thenThrows('FlowLocked'));
  it('refuses duplicate rows, naming the second', () =>
    spec
      .given([])
      .when(submit('2026-10-10T09:00:00Z', [row, { ...row, tonnes: 3 }]))
      .thenThrows('DuplicateRow', 'righe[1][eerCode]'));
  it('refuses a quantity above the realistic maximum, naming its row', () => {
    spec
      .given([])
      .when(submit('2026-10-10T09:00:00Z', [row, { ...row, eerCode: '150107', tonnes: 1e20 }]))
      .thenThrows('QuantityOutOfRange', 'righe[1][tonnellate]');
    spec
      .given([])
      .when({
        type: 'SaveFlowDraft',
        ...base,
        rows: [{ ...row, tonnes: maxRowTonnes + 0.001 }],
        now: at('2026-09-20T09:00:00Z'),
      })
      .thenThrows('QuantityOutOfRange', 'righe[0][tonnellate]');
    expect(
      monthlyFlowDecider.decide(
        submit('2026-10-10T09:00:00Z', [{ ...row, tonnes: maxRowTonnes }]),
        fold(monthlyFlowDecider, []),
      ),
    ).toHaveLength(1);
  });
  it('refuses a quantity that is not positive', () =>
    spec
      .given([])
      .when(submit('2026-10-10T09:00:00Z', [{ ...row, tonnes: 0 }]))
      .thenThrows('QuantityOutOfRange', 'righe[0][tonnellate]'));
  it('refuses an empty month', () =>
    spec.given([]).when(submit('2026-10-10T09:00:00Z', [])).thenThrows('NoRows'));
  it('files a new version after an unlock, keeping the first lateness for funding', () => {
    const [event] = monthlyFlowDecider.decide(
      submit('2026-12-20T09:00:00Z'),
      fold(monthlyFlowDecider, [submitted(1, '2026-10-10T09:00:00.000Z'), requested, unlocked]),
    );
    expect(event).toMatchObject({ data: { version: 2, affectsFunding: false } });
  });
});

describe('SaveFlowDraft', () => {
  it('keeps a draft of the current month', () =>
    spec
      .given([])
      .when({ type: 'SaveFlowDraft', ...base, now: at('2026-09-20T09:00:00Z') })
      .then([
        {
          type: 'FlowDraftSaved',
          data: { istatCode: '072006', month: '2026-09', rows: [row], savedBy: base.officerId },
        },
      ]));
  it('refuses a month in the future', () =>
    spec
      .given([])
      .when({ type: 'SaveFlowDraft', ...base, now: at('2026-08-20T09:00:00Z') })
      .thenThrows('MonthNotEnded'));
});

describe('the 4-month unlock window', () => {
  it('allows the 4 months preceding the request, not the 5th', () => {
    expect(mayRequestUnlock('2026-09', at('2026-10-02T09:00:00Z'))).toBe(true);
    expect(mayRequestUnlock('2026-09', at('2027-01-31T09:00:00Z'))).toBe(true);
    expect(mayRequestUnlock('2026-09', at('2027-02-01T09:00:00Z'))).toBe(false);
  });
  it('crosses the year: a request in February reaches back to October', () => {
    expect(mayRequestUnlock('2026-10', at('2027-02-10T09:00:00Z'))).toBe(true);
    expect(mayRequestUnlock('2026-09', at('2027-02-10T09:00:00Z'))).toBe(false);
  });
  it('refuses an older month naming it and the months that can be unlocked', () => {
    let message = '';
    try {
      monthlyFlowDecider.decide(
        {
          type: 'RequestFlowUnlock',
          istatCode: '072006',
          month: '2026-09',
          officerId: base.officerId,
          reason: 'Quantità del vetro errata',
          now: at('2027-02-10T09:00:00Z'),
          yearValidated: false,
        },
        fold(monthlyFlowDecider, [submitted(1, '2026-10-10T09:00:00.000Z')]),
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(unlockRefusal('2026-09', at('2027-02-10T09:00:00Z')));
    expect(message).toBe(
      'Il mese di settembre 2026 non può più essere sbloccato: lo sblocco si può chiedere solo ' +
        'per le 4 mensilità precedenti la richiesta (da ottobre 2026 a gennaio 2027).',
    );
  });
  it('says a month not ended yet is not ended, and nothing of a month in the window', () => {
    expect(unlockRefusal('2027-02', at('2027-02-10T09:00:00Z'))).toBe(
      'Il mese di febbraio 2027 non è ancora concluso: lo sblocco si può chiedere solo per le 4 ' +
        'mensilità precedenti la richiesta (da ottobre 2026 a gennaio 2027).',
    );
    expect(unlockRefusal('2026-10', at('2027-02-10T09:00:00Z'))).toBeNull();
  });
  it('names the last day a month can be unlocked, across leap years', () => {
    expect(lastUnlockDay('2026-09')).toBe('2027-01-31');
    expect(lastUnlockDay('2027-10')).toBe('2028-02-29');
    expect(lastUnlockDay('2026-10')).toBe('2027-02-28');
  });
});

describe('RequestFlowUnlock, UnlockMonthlyFlow, RejectFlowUnlock', () => {
  const request = (reason = 'Quantità del vetro errata'): FlowCommand => ({
    type: 'RequestFlowUnlock',
    istatCode: '072006',
    month: '2026-09',
    officerId: base.officerId,
    reason,
    now: at('2026-11-02T09:00:00Z'),
    yearValidated: false,
  });
  it('asks with a reason for a submitted month', () =>
    spec
      .given([submitted(1, '2026-10-10T09:00:00.000Z')])
      .when(request())
      .then([requested]));
  it('needs a reason', () =>
    spec
      .given([submitted(1, '2026-10-10T09:00:00.000Z')])
      .when(request('boh'))
      .thenThrows('ReasonRequired', 'motivo'));
  it('needs the month submitted, and only one request at a time', () => {
    spec.given([]).when(request()).thenThrows('FlowNotSubmitted');
    spec
      .given([submitted(1, '2026-10-10T09:00:00.000Z'), requested])
      .when(request())
      .thenThrows('UnlockAlreadyRequested');
  });
  it('lets an admin unlock a requested month, or reject it with a reason', () => {
    const history = [submitted(1, '2026-10-10T09:00:00.000Z'), requested];
    spec
      .given(history)
      .when({
        type: 'UnlockMonthlyFlow',
        istatCode: '072006',
        month: '2026-09',
        adminId: 'cf:admin',
        note: null,
        yearValidated: false,
      })
      .then([unlocked]);
    spec
      .given(history)
      .when({
        type: 'RejectFlowUnlock',
        istatCode: '072006',
        month: '2026-09',
        adminId: 'cf:admin',
        reason: 'no',
      })
      .thenThrows('ReasonRequired', 'motivo-rifiuto');
    spec
      .given([submitted(1, '2026-10-10T09:00:00.000Z')])
      .when({
        type: 'UnlockMonthlyFlow',
        istatCode: '072006',
        month: '2026-09',
        adminId: 'cf:admin',
        note: null,
        yearValidated: false,
      })
      .thenThrows('NoUnlockRequest');
  });
  it('keeps a rejected month locked', () => {
    const state = fold(monthlyFlowDecider, [
      submitted(1, '2026-10-10T09:00:00.000Z'),
      requested,
      {
        type: 'FlowUnlockRejected',
        data: {
          istatCode: '072006',
          month: '2026-09',
          decidedBy: 'cf:admin',
          reason: 'Dati già validati',
        },
      },
    ]);
    expect(state.status).toBe('submitted');
  });
});
