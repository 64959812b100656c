import { describe, expect, it } from 'vitest';
import {
  declarationRemindersDue,
  type CampaignForReminders,
  type ContractForReminders,
} from '../../../domain/reminders/declarationReminders.js';
import type { Reminder } from '../../../domain/reminders/reminderEvents.js';

/** The 2025 campaign: opened on 2 December 2025, due 31 January 2026, reminders 30 and 7 days before. */
const campaign: CampaignForReminders = {
  year: 2025,
  deadline: '2026-01-31',
  openedOn: '2025-12-02',
  reminderDays: [30, 7],
};

const contract = (
  contractNumber: string,
  options: { filed?: boolean; stopped?: boolean; company?: boolean } = {},
): ContractForReminders => ({
  contractNumber,
  companyName: `Ditta ${contractNumber}`,
  filed: options.filed ?? false,
  addressees: [
    {
      email: `notifiche-${contractNumber}@studio.example`,
      subject: `account:00000000-0000-4000-8000-00000000000${contractNumber.at(-1)}`,
      optionalStopped: options.stopped ?? false,
    },
    ...(options.company
      ? [
          {
            email: `ditta-${contractNumber}@pec.example`,
            subject: 'account:00000000-0000-4000-8000-00000000000f',
            optionalStopped: false,
          },
        ]
      : []),
  ],
});

const keysOn = (
  today: string,
  contracts: ContractForReminders[],
  sent: Iterable<string> = [],
  settings = campaign,
) => declarationRemindersDue(today, settings, contracts, new Set(sent)).map((r) => r.key);

/** Every day from `from` to `to`, each day's reminders recorded before the next: a year's run. */
function runDays(
  from: string,
  to: string,
  contracts: ContractForReminders[],
  settings = campaign,
): Reminder[] {
  const sent = new Set<string>();
  const all: Reminder[] = [];
  for (let day = from; day <= to;) {
    for (const reminder of declarationRemindersDue(day, settings, contracts, sent)) {
      sent.add(reminder.key);
      all.push(reminder);
    }
    const next = new Date(`${day}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    day = next.toISOString().slice(0, 10);
  }
  return all;
}

describe('declaration reminders', () => {
  it('writes on the opening day, 30 and 7 days before, and the day after the deadline', () => {
    const sent = runDays('2025-12-01', '2026-03-31', [contract('3000000001')]);
    expect(sent.map((r) => [r.key, r.about.kind, r.optional])).toEqual([
      ['declarations:2025:3000000001:opened', 'campaign-opened', false],
      ['declarations:2025:3000000001:before-30', 'before-deadline', true],
      ['declarations:2025:3000000001:before-7', 'before-deadline', true],
      ['declarations:2025:3000000001:overdue', 'overdue', false],
    ]);
    expect(sent.map((r) => r.about.area === 'declarations' && r.about.daysLeft)).toEqual([
      60, 30, 7, -1,
    ]);
  });

  it('sends each reminder on its own day and not the day before', () => {
    expect(
      keysOn('2026-01-01', [contract('3000000001')], ['declarations:2025:3000000001:opened']),
    ).toEqual(['declarations:2025:3000000001:before-30']);
    expect(
      keysOn('2025-12-31', [contract('3000000001')], ['declarations:2025:3000000001:opened']),
    ).toEqual([]);
    expect(keysOn('2026-02-01', [contract('3000000001')])).toEqual([
      'declarations:2025:3000000001:overdue',
    ]);
    expect(
      keysOn('2026-01-31', [contract('3000000001')], ['declarations:2025:3000000001:before-7']),
    ).toEqual([]);
  });

  it('sends nothing to a contract that filed in time, and nothing after the deadline either', () => {
    expect(runDays('2025-12-01', '2026-03-31', [contract('3000000002', { filed: true })])).toEqual(
      [],
    );
  });

  it('sends nothing twice: a reminder already recorded is not due again (restart, replay)', () => {
    const once = runDays('2025-12-01', '2026-03-31', [contract('3000000001')]);
    const keys = once.map((r) => r.key);
    for (const day of ['2025-12-02', '2026-01-01', '2026-01-24', '2026-02-01', '2026-02-05'])
      expect(keysOn(day, [contract('3000000001')], keys)).toEqual([]);
  });

  it('after an outage sends only the latest reminder due, and the overdue one for a week at most', () => {
    // Down from 1 December to 26 January: the 7-day reminder is sent, not the opening nor the 30-day one.
    expect(keysOn('2026-01-26', [contract('3000000001')])).toEqual([
      'declarations:2025:3000000001:before-7',
    ]);
    expect(keysOn('2026-02-08', [contract('3000000001')])).toEqual([
      'declarations:2025:3000000001:overdue',
    ]);
    expect(keysOn('2026-02-09', [contract('3000000001')])).toEqual([]);
  });

  it('skips a reminder whose day fell before the campaign opened', () => {
    const late = { ...campaign, openedOn: '2026-01-05' };
    const sent = runDays('2026-01-05', '2026-02-28', [contract('3000000001')], late);
    expect(sent.map((r) => r.key)).toEqual([
      'declarations:2025:3000000001:opened',
      'declarations:2025:3000000001:before-7',
      'declarations:2025:3000000001:overdue',
    ]);
  });

  it('follows the days the operator set, and none when there are none', () => {
    const three = runDays('2025-12-01', '2026-03-31', [contract('3000000001')], {
      ...campaign,
      reminderDays: [3],
    });
    expect(three.map((r) => r.key.split(':').at(-1))).toEqual(['opened', 'before-3', 'overdue']);
    const none = runDays('2025-12-01', '2026-03-31', [contract('3000000001')], {
      ...campaign,
      reminderDays: [],
    });
    expect(none.map((r) => r.key.split(':').at(-1))).toEqual(['opened', 'overdue']);
  });

  it('writes to the company too where a consultant manages the contract', () => {
    const [reminder] = declarationRemindersDue(
      '2026-01-24',
      campaign,
      [contract('3000000003', { company: true })],
      new Set(),
    );
    expect(reminder?.recipients.map((r) => r.email)).toEqual([
      'notifiche-3000000003@studio.example',
      'ditta-3000000003@pec.example',
    ]);
  });

  it('leaves out whoever stopped the optional reminders, but never from the mandatory ones', () => {
    const stopped = [contract('3000000004', { stopped: true, company: true })];
    const [before] = declarationRemindersDue('2026-01-24', campaign, stopped, new Set());
    expect(before?.recipients.map((r) => r.email)).toEqual(['ditta-3000000004@pec.example']);
    const alone = [contract('3000000005', { stopped: true })];
    expect(declarationRemindersDue('2026-01-24', campaign, alone, new Set())).toEqual([]);
    const [overdue] = declarationRemindersDue('2026-02-01', campaign, alone, new Set());
    expect(overdue?.recipients.map((r) => r.email)).toEqual([
      'notifiche-3000000005@studio.example',
    ]);
    const [opened] = declarationRemindersDue('2025-12-02', campaign, alone, new Set());
    expect(opened?.about.kind).toBe('campaign-opened');
  });

  it('sends the opening notice in its first week only, and never once the deadline passed', () => {
    const long = { ...campaign, deadline: '2026-06-30', reminderDays: [7] };
    expect(keysOn('2025-12-09', [contract('3000000001')], [], long)).toEqual([
      'declarations:2025:3000000001:opened',
    ]);
    expect(keysOn('2025-12-10', [contract('3000000001')], [], long)).toEqual([]);
    const afterDeadline = { ...campaign, openedOn: '2026-02-03' };
    expect(keysOn('2026-02-03', [contract('3000000001')], [], afterDeadline)).toEqual([
      'declarations:2025:3000000001:overdue',
    ]);
  });
});
