import { describe, expect, it } from 'vitest';
import {
  flowRemindersDue,
  type MunicipalityForReminders,
} from '../../../domain/reminders/flowReminders.js';

const bari = (options: { sent?: string[]; stopped?: boolean } = {}): MunicipalityForReminders => ({
  istatCode: '072006',
  name: 'Bari',
  officer: {
    email: 'ambiente@comune.bari.it',
    subject: 'municipality:072006',
    optionalStopped: options.stopped ?? false,
  },
  sentMonths: new Set(options.sent ?? []),
});

/** Each day of December 2026, the reminders recorded as they are sent. */
function december(municipality: MunicipalityForReminders) {
  const sent = new Set<string>();
  const all: { day: string; key: string; optional: boolean }[] = [];
  for (let d = 1; d <= 31; d++) {
    const day = `2026-12-${String(d).padStart(2, '0')}`;
    for (const reminder of flowRemindersDue(day, [municipality], sent)) {
      sent.add(reminder.key);
      all.push({ day, key: reminder.key, optional: reminder.optional });
    }
  }
  return all;
}

describe('waste-flow reminders', () => {
  it('reminds on the 1st, the 10th and, late, the 16th while last month is not sent', () => {
    expect(december(bari())).toEqual([
      { day: '2026-12-01', key: 'observatory:072006:2026-11:month-ended', optional: true },
      { day: '2026-12-10', key: 'observatory:072006:2026-11:month-due-soon', optional: true },
      { day: '2026-12-16', key: 'observatory:072006:2026-11:month-late', optional: false },
    ]);
  });

  it('sends nothing once the month is sent', () => {
    expect(december(bari({ sent: ['2026-11'] }))).toEqual([]);
  });

  it('sends nothing twice, and after an outage only the latest reminder of the month', () => {
    expect(flowRemindersDue('2026-12-12', [bari()], new Set()).map((r) => r.key)).toEqual([
      'observatory:072006:2026-11:month-due-soon',
    ]);
    const sent = new Set(['observatory:072006:2026-11:month-due-soon']);
    expect(flowRemindersDue('2026-12-12', [bari()], sent)).toEqual([]);
  });

  it('names the month, its due date and the municipality', () => {
    const [reminder] = flowRemindersDue('2026-12-16', [bari()], new Set());
    expect(reminder?.about).toEqual({
      area: 'observatory',
      kind: 'month-late',
      istatCode: '072006',
      municipality: 'Bari',
      month: '2026-11',
      dueDate: '2026-12-15',
    });
  });

  it('skips the optional reminders of a municipality that stopped them, not the late notice', () => {
    expect(december(bari({ stopped: true }))).toEqual([
      { day: '2026-12-16', key: 'observatory:072006:2026-11:month-late', optional: false },
    ]);
  });

  it('turns the year: on 1 January the month is December', () => {
    expect(flowRemindersDue('2027-01-01', [bari()], new Set()).map((r) => r.key)).toEqual([
      'observatory:072006:2026-12:month-ended',
    ]);
  });
});
