import { describe, expect, it } from 'vitest';
import type { FlowEvent, FlowRow } from '../../../domain/observatory/flowEvents.js';
import { monthlyFlowDecider } from '../../../domain/observatory/monthlyFlowDecider.js';
import { validatedYearRefusal } from '../../../domain/observatory/unlockMonthlyFlow.js';
import type { YearEvent } from '../../../domain/observatory/yearEvents.js';
import { monthsOfYear, type MonthFiling } from '../../../domain/observatory/yearValidation.js';
import {
  yearValidationDecider,
  type YearCommand,
} from '../../../domain/observatory/yearValidationDecider.js';
import { fold } from '../../../domain/shared/decider.js';
import { DomainError } from '../../../domain/shared/domainError.js';
import { evolveYearValidationRow } from '../../../projections/observatory/yearValidations.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const spec = deciderSpec(yearValidationDecider);
const flowSpec = deciderSpec(monthlyFlowDecider);
const istatCode = '072006';
const admin = 'cf:VRDGPP70C15F205N';
const at = (iso: string) => new Date(iso);
/** 2 February 2026: the 2025 year has closed; October 2025 is outside the 4-month window. */
const closed = at('2026-02-02T09:00:00Z');

const row = (eerCode: string, tonnes: number, operation: string): FlowRow => ({
  eerCode,
  tonnes,
  collectionMethod: 'porta-a-porta',
  transporter: 'Igiene Srl',
  destinationPlant: 'Impianto',
  operation,
});
// Every month: 600 t separate (organic 400 + glass 200), 400 t unsorted, 10 t neutral (soil and stones).
const monthRows = [
  row('200108', 400, 'R3'),
  row('150107', 200, 'R5'),
  row('200301', 400, 'D8'),
  row('200202', 10, 'D1'),
];

/** The twelve months of 2025, all filed (version 1) unless said otherwise. */
const filings = (changes: Record<string, Partial<MonthFiling>> = {}): MonthFiling[] =>
  monthsOfYear(2025).map((month) => ({
    month,
    status: 'submitted',
    version: 1,
    rows: monthRows,
    ...changes[month],
  }));

const validate = (over: Partial<Extract<YearCommand, { type: 'ValidateYear' }>> = {}) =>
  ({
    type: 'ValidateYear',
    istatCode,
    year: 2025,
    adminId: admin,
    now: closed,
    filings: filings(),
    ...over,
  }) satisfies YearCommand;

const sendBack = (over: Partial<Extract<YearCommand, { type: 'SendYearBack' }>> = {}) =>
  ({
    type: 'SendYearBack',
    istatCode,
    year: 2025,
    adminId: admin,
    now: closed,
    months: [4, 3],
    remarks: 'Manca la frazione organica di marzo e aprile',
    filings: filings(),
    ...over,
  }) satisfies YearCommand;

const validated: YearEvent = {
  type: 'YearValidated',
  data: {
    istatCode,
    year: 2025,
    certifiedRate: 0.6,
    separateKg: 7_200_000,
    unsortedKg: 4_800_000,
    neutralKg: 120_000,
    months: monthsOfYear(2025).map((month) => ({ month, version: 1 })),
    validatedBy: admin,
  },
};

const sentBack = (withdrawn: boolean): YearEvent => ({
  type: 'YearSentBack',
  data: {
    istatCode,
    year: 2025,
    months: ['2025-03', '2025-04'],
    remarks: 'Manca la frazione organica di marzo e aprile',
    sentBackBy: admin,
    withdrawnCertification: withdrawn ? { certifiedRate: 0.6, validatedBy: admin } : null,
  },
});

const refusal = (run: () => unknown): DomainError => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error as DomainError;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('ValidateYear', () => {
  it('certifies the rate of the twelve months as filed, with the totals and versions it comes from', () =>
    spec
      .given([])
      .when(validate({ filings: filings({ '2025-06': { version: 3 } }) }))
      .then([
        {
          ...validated,
          data: {
            ...validated.data,
            months: monthsOfYear(2025).map((month) => ({
              month,
              version: month === '2025-06' ? 3 : 1,
            })),
          },
        },
      ]));

  it('is refused before the year closes in Italy, and allowed from 1 January', () => {
    // 23:30 on 31 December in Rome is still the year; 00:30 on 1 January is the next.
    spec
      .given([])
      .when(validate({ now: at('2025-12-31T22:30:00Z') }))
      .thenThrows('YearNotClosed', 'anno');
    expect(
      refusal(() =>
        yearValidationDecider.decide(
          validate({ now: at('2025-12-31T22:30:00Z') }),
          fold(yearValidationDecider, []),
        ),
      ).message,
    ).toBe(
      'L’anno 2025 non è ancora chiuso: la Regione lo valida o lo rinvia dal 1° gennaio 2026.',
    );
    expect(
      yearValidationDecider.decide(
        validate({ now: at('2025-12-31T23:30:00Z') }),
        fold(yearValidationDecider, []),
      ),
    ).toHaveLength(1);
  });

  it('is refused while a month is not filed, naming the months (a month not read counts as empty)', () => {
    const command = validate({
      filings: filings({
        '2025-03': { status: 'unlocked' },
        '2025-11': { status: 'draft' },
      }).filter((filing) => filing.month !== '2025-12'),
    });
    const error = refusal(() =>
      yearValidationDecider.decide(command, fold(yearValidationDecider, [])),
    );
    expect(error.code).toBe('MonthsNotFiled');
    expect(error.field).toBe('anno');
    expect(error.message).toBe(
      'Non si può validare il 2025: mancano 3 mesi (marzo 2025, novembre 2025, dicembre 2025), non inviati o sbloccati e non ancora inviati di nuovo. Si valida un anno con tutti i 12 mesi inviati.',
    );
  });

  it('is refused while the municipality waits for an unlock of one of its months', () =>
    spec
      .given([])
      .when(validate({ filings: filings({ '2025-11': { status: 'unlock-requested' } }) }))
      .thenThrows('UnlockPending', 'anno'));

  it('is refused on a year already validated', () =>
    spec.given([validated]).when(validate()).thenThrows('YearAlreadyValidated', 'anno'));

  it('validates again a year sent back, once its months are filed again', () =>
    spec
      .given([validated, sentBack(true)])
      .when(
        validate({ filings: filings({ '2025-03': { version: 2 }, '2025-04': { version: 2 } }) }),
      )
      .then([
        {
          ...validated,
          data: {
            ...validated.data,
            months: monthsOfYear(2025).map((month) => ({
              month,
              version: ['2025-03', '2025-04'].includes(month) ? 2 : 1,
            })),
          },
        },
      ]));

  it('is refused when nothing filed counts for the rate', () => {
    const neutral = monthsOfYear(2025).reduce<Record<string, Partial<MonthFiling>>>(
      (all, month) => ({ ...all, [month]: { rows: [row('200202', 10, 'D1')] } }),
      {},
    );
    spec
      .given([])
      .when(validate({ filings: filings(neutral) }))
      .thenThrows('NothingToCertify', 'anno');
  });
});

describe('SendYearBack', () => {
  it('returns the months named, oldest first and once each, with the remarks trimmed', () =>
    spec
      .given([])
      .when(
        sendBack({ months: [4, 3, 4], remarks: '  Manca la frazione organica di marzo e aprile ' }),
      )
      .then([sentBack(false)]));

  it('needs remarks of at least 10 characters', () => {
    spec
      .given([])
      .when(sendBack({ remarks: ' troppo  ' }))
      .thenThrows('ReasonRequired', 'osservazioni');
    expect(
      refusal(() =>
        yearValidationDecider.decide(sendBack({ remarks: '' }), fold(yearValidationDecider, [])),
      ).message,
    ).toBe('Indicare le osservazioni per il comune (almeno 10 caratteri).');
  });

  it('needs at least one month, each from 1 to 12', () => {
    spec
      .given([])
      .when(sendBack({ months: [] }))
      .thenThrows('MonthsRequired', 'mesi');
    spec
      .given([])
      .when(sendBack({ months: [0, 3] }))
      .thenThrows('MonthsRequired', 'mesi');
    spec
      .given([])
      .when(sendBack({ months: [13] }))
      .thenThrows('MonthsRequired', 'mesi');
    spec
      .given([])
      .when(sendBack({ months: [Number.NaN] }))
      .thenThrows('MonthsRequired', 'mesi');
  });

  it('returns only months filed and locked, naming the one that is not', () => {
    const command = sendBack({ filings: filings({ '2025-04': { status: 'unlocked' } }) });
    const error = refusal(() =>
      yearValidationDecider.decide(command, fold(yearValidationDecider, [])),
    );
    expect(error.code).toBe('MonthNotFiled');
    expect(error.field).toBe('mesi');
    expect(error.message).toBe(
      'Aprile 2025 non è un mese inviato e bloccato: il comune può già inviarlo o correggerlo. Si rinviano solo i mesi inviati.',
    );
  });

  it('returns a month waiting for an unlock: the return answers the request', () =>
    spec
      .given([])
      .when(sendBack({ filings: filings({ '2025-03': { status: 'unlock-requested' } }) }))
      .then([sentBack(false)]));

  it('is refused before the year closes', () =>
    spec
      .given([])
      .when(sendBack({ now: at('2025-11-20T09:00:00Z') }))
      .thenThrows('YearNotClosed', 'anno'));

  it('withdraws the certification of a validated year, and says so in the event', () => {
    spec
      .given([validated])
      .when(sendBack())
      .then([sentBack(true)]);
    const state = fold(yearValidationDecider, [validated, sentBack(true)]);
    expect(state).toMatchObject({ status: 'sent-back', certifiedRate: null });
  });
});

describe('ReturnMonthlyFlow', () => {
  const month = '2025-03';
  const submitted = (version: number): FlowEvent => ({
    type: 'MonthlyFlowSubmitted',
    data: {
      istatCode,
      month,
      version,
      rows: monthRows,
      submittedBy: 'cf:RSSMRA80A01A662A',
      submittedAt: '2025-04-10T09:00:00.000Z',
      dueDate: '2025-04-15',
      daysLate: 0,
      affectsFunding: false,
    },
  });
  const returnIt = {
    type: 'ReturnMonthlyFlow',
    istatCode,
    month,
    adminId: admin,
    remarks: 'Manca la frazione organica',
  } as const;
  const returned = (superseded: string | null): FlowEvent => ({
    type: 'MonthlyFlowReturned',
    data: {
      istatCode,
      month,
      remarks: 'Manca la frazione organica',
      returnedBy: admin,
      supersededUnlockRequest: superseded,
    },
  });

  it('unlocks a month outside the 4-month window, with the remarks; it can be filed again', () => {
    flowSpec
      .given([submitted(1)])
      .when(returnIt)
      .then([returned(null)]);
    // February 2026: March 2025 is long outside the window, yet editable after the return.
    const state = fold(monthlyFlowDecider, [submitted(1), returned(null)]);
    expect(state.status).toBe('unlocked');
    const refiled = monthlyFlowDecider.decide(
      {
        type: 'SubmitMonthlyFlow',
        istatCode,
        month,
        officerId: 'cf:RSSMRA80A01A662A',
        rows: monthRows,
        now: closed,
      },
      state,
    );
    expect(refiled[0]).toMatchObject({ type: 'MonthlyFlowSubmitted', data: { version: 2 } });
  });

  it('answers a pending unlock request', () => {
    const requested: FlowEvent = {
      type: 'FlowUnlockRequested',
      data: { istatCode, month, reason: 'Vetro pesato due volte', requestedBy: 'cf:x' },
    };
    flowSpec
      .given([submitted(1), requested])
      .when(returnIt)
      .then([returned('Vetro pesato due volte')]);
    expect(fold(monthlyFlowDecider, [submitted(1), requested, returned('x')])).toMatchObject({
      status: 'unlocked',
      unlockReason: null,
    });
  });

  it('still gives the remarks to a month unlocked meanwhile', () => {
    const unlocked: FlowEvent = {
      type: 'MonthlyFlowUnlocked',
      data: { istatCode, month, decidedBy: admin, note: null },
    };
    flowSpec
      .given([submitted(1), unlocked])
      .when(returnIt)
      .then([returned(null)]);
  });

  it('is refused for a month never filed', () =>
    flowSpec.given([]).when(returnIt).thenThrows('FlowNotSubmitted'));
});

describe('a validated year’s months', () => {
  const month = '2025-11';
  const filed: FlowEvent = {
    type: 'MonthlyFlowSubmitted',
    data: {
      istatCode,
      month,
      version: 1,
      rows: monthRows,
      submittedBy: 'cf:RSSMRA80A01A662A',
      submittedAt: '2025-12-10T09:00:00.000Z',
      dueDate: '2025-12-15',
      daysLate: 0,
      affectsFunding: false,
    },
  };
  const request = (yearValidated: boolean) =>
    ({
      type: 'RequestFlowUnlock',
      istatCode,
      month,
      officerId: 'cf:RSSMRA80A01A662A',
      reason: 'Vetro pesato due volte',
      now: closed,
      yearValidated,
    }) as const;

  it('are not unlocked on request, even within the 4-month window', () => {
    flowSpec.given([filed]).when(request(true)).thenThrows('YearValidated', 'motivo');
    expect(
      refusal(() => monthlyFlowDecider.decide(request(true), fold(monthlyFlowDecider, [filed])))
        .message,
    ).toBe(validatedYearRefusal(month));
    expect(
      monthlyFlowDecider.decide(request(false), fold(monthlyFlowDecider, [filed])),
    ).toHaveLength(1);
  });

  it('are not unlocked by an admin granting a request either', () => {
    const requested: FlowEvent = {
      type: 'FlowUnlockRequested',
      data: { istatCode, month, reason: 'Vetro pesato due volte', requestedBy: 'cf:x' },
    };
    flowSpec
      .given([filed, requested])
      .when({
        type: 'UnlockMonthlyFlow',
        istatCode,
        month,
        adminId: admin,
        note: null,
        yearValidated: true,
      })
      .thenThrows('YearValidated', 'nota');
  });
});

describe('the year validations read model', () => {
  const at0 = '2026-02-02T09:00:00.000Z';
  it('holds the certified rate and totals of a validated year', () => {
    expect(evolveYearValidationRow(undefined, validated, at0)).toMatchObject({
      istatCode,
      year: 2025,
      status: 'validato',
      certifiedRate: 0.6,
      separateKg: 7_200_000,
      validatedAt: at0,
      validatedBy: admin,
      remarks: null,
    });
  });
  it('drops them when the year is sent back, keeping the rate withdrawn and the remarks', () => {
    const row = evolveYearValidationRow(
      evolveYearValidationRow(undefined, validated, at0),
      sentBack(true),
      '2026-02-03T09:00:00.000Z',
    );
    expect(row).toMatchObject({
      status: 'rinviato',
      certifiedRate: null,
      separateKg: null,
      validatedAt: null,
      remarks: 'Manca la frazione organica di marzo e aprile',
      returnedMonths: ['2025-03', '2025-04'],
      sentBackAt: '2026-02-03T09:00:00.000Z',
      withdrawnRate: 0.6,
    });
    const again = evolveYearValidationRow(row, validated, '2026-03-01T09:00:00.000Z');
    expect(again).toMatchObject({ status: 'validato', certifiedRate: 0.6, remarks: row.remarks });
  });
});
