import { addMonths, dueDate, type YearMonth } from '../observatory/months.js';
import type { Addressee } from './declarationReminders.js';
import type { FlowReminderKind, Reminder } from './reminderEvents.js';

export interface MunicipalityForReminders {
  readonly istatCode: string;
  readonly name: string;
  /** The municipality's user. */
  readonly officer: Addressee;
  /** The months it has sent at least once. */
  readonly sentMonths: ReadonlySet<YearMonth>;
}

/** On the 1st the month just ended, on the 10th five days are left, from the 16th it is late. */
const kinds: readonly { from: number; kind: FlowReminderKind }[] = [
  { from: 16, kind: 'month-late' },
  { from: 10, kind: 'month-due-soon' },
  { from: 1, kind: 'month-ended' },
];

/** The days of a month a reminder goes out on, for the admin's «prossimi promemoria». */
export const flowReminderDays: readonly number[] = kinds.map((k) => k.from).reverse();

/**
 * The waste-flow reminders due on `today` (an ISO date in Italy) and not yet sent: to the user of
 * each municipality that has not sent last month, the latest of the three reminders reached this
 * month, once. Only the late notice is mandatory.
 */
export function flowRemindersDue(
  today: string,
  municipalities: readonly MunicipalityForReminders[],
  sent: ReadonlySet<string>,
): Reminder[] {
  const month = addMonths(today.slice(0, 7), -1);
  const day = Number(today.slice(8, 10));
  const kind = kinds.find((k) => day >= k.from)!.kind;
  const optional = kind !== 'month-late';
  return municipalities.flatMap((m) => {
    const key = `observatory:${m.istatCode}:${month}:${kind}`;
    if (m.sentMonths.has(month) || sent.has(key)) return [];
    if (optional && m.officer.optionalStopped) return [];
    return [
      {
        key,
        optional,
        recipients: [{ email: m.officer.email, subject: m.officer.subject }],
        about: {
          area: 'observatory' as const,
          kind,
          istatCode: m.istatCode,
          municipality: m.name,
          month,
          dueDate: dueDate(month),
        },
      },
    ];
  });
}
