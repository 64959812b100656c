import { addDays, daysBetween } from '../shared/italianDate.js';
import type { DeclarationReminderKind, Reminder, ReminderRecipient } from './reminderEvents.js';

/** A reminder missed by an outage is still sent this many days late, not after. */
export const catchUpDays = 7;

export interface CampaignForReminders {
  readonly year: number;
  /** ISO date, the last day to file on time. */
  readonly deadline: string;
  /** ISO date, the day (in Italy) the campaign was opened. */
  readonly openedOn: string;
  /** Days before the deadline a reminder goes out. */
  readonly reminderDays: readonly number[];
}

/** A recipient with the choice of the subject its reminders follow. */
export interface Addressee extends ReminderRecipient {
  readonly optionalStopped: boolean;
}

export interface ContractForReminders {
  readonly contractNumber: string;
  readonly companyName: string;
  /** The year's declaration is filed (a draft does not count). */
  readonly filed: boolean;
  /** The notification address, and the company's own where a consultant manages the contract. */
  readonly addressees: readonly Addressee[];
}

export interface Milestone {
  readonly kind: DeclarationReminderKind;
  readonly due: string;
  /** Its part of the reminder's key. */
  readonly label: string;
  /** For a reminder before the deadline, how many days before. */
  readonly daysBefore: number | null;
}

/** Every moment a campaign writes to its declarants, in the order they fall (its page's calendar). */
export function milestones(campaign: CampaignForReminders): Milestone[] {
  const before = [...new Set(campaign.reminderDays)].map((days) => ({
    kind: 'before-deadline' as const,
    due: addDays(campaign.deadline, -days),
    label: `before-${days}`,
    daysBefore: days,
  }));
  const all: Milestone[] = [
    ...before.filter((m) => m.due > campaign.openedOn),
    // The opening comes first on its own day: a reminder due the same day adds nothing to it.
    // A campaign opened after its deadline has only its overdue notice to say.
    ...(campaign.openedOn <= campaign.deadline
      ? [
          {
            kind: 'campaign-opened' as const,
            due: campaign.openedOn,
            label: 'opened',
            daysBefore: null,
          },
        ]
      : []),
    { kind: 'overdue', due: addDays(campaign.deadline, 1), label: 'overdue', daysBefore: null },
  ];
  return all.sort((a, b) => a.due.localeCompare(b.due));
}

/** The one milestone in force on `today`: the latest one due, if it is still worth sending. */
function milestoneOf(campaign: CampaignForReminders, today: string): Milestone | null {
  const due = milestones(campaign).filter((m) => m.due <= today);
  const latest = due.at(-1);
  if (!latest) return null;
  // The opening and the overdue notice are news for a week; afterwards they would mislead.
  if (latest.kind !== 'before-deadline' && daysBetween(latest.due, today) > catchUpDays)
    return null;
  return latest;
}

/**
 * The declaration reminders due on `today` (an ISO date in Italy) and not yet sent: to each
 * contract still without the year's declaration, the latest milestone reached, once. An earlier
 * milestone missed (the campaign opened late, the service was down) is not sent after a later one.
 */
export function declarationRemindersDue(
  today: string,
  campaign: CampaignForReminders,
  contracts: readonly ContractForReminders[],
  sent: ReadonlySet<string>,
): Reminder[] {
  const milestone = milestoneOf(campaign, today);
  if (!milestone) return [];
  const optional = milestone.kind === 'before-deadline';
  return contracts.flatMap((contract) => {
    const key = `declarations:${campaign.year}:${contract.contractNumber}:${milestone.label}`;
    if (contract.filed || sent.has(key)) return [];
    const recipients = contract.addressees
      .filter((a) => !(optional && a.optionalStopped))
      .map(({ email, subject }) => ({ email, subject }));
    if (recipients.length === 0) return [];
    return [
      {
        key,
        optional,
        recipients,
        about: {
          area: 'declarations' as const,
          kind: milestone.kind,
          year: campaign.year,
          contractNumber: contract.contractNumber,
          companyName: contract.companyName,
          deadline: campaign.deadline,
          daysLeft: daysBetween(today, campaign.deadline),
        },
      },
    ];
  });
}
