import type { Decider } from '../shared/decider.js';
import { streamCodec } from '../shared/streamCodec.js';

/** Before a declaration's deadline: the campaign opened, N days left; after it: overdue. */
export type DeclarationReminderKind = 'campaign-opened' | 'before-deadline' | 'overdue';
/** About last month's waste flows: the month ended (1st), 5 days left (10th), late (16th). */
export type FlowReminderKind = 'month-ended' | 'month-due-soon' | 'month-late';

/** Whose choice a recipient's reminders follow: `account:<id>` or `municipality:<istat>`. */
export type ReminderSubject = string;

export interface ReminderRecipient {
  readonly email: string;
  readonly subject: ReminderSubject;
}

export type ReminderAbout =
  | {
      readonly area: 'declarations';
      readonly kind: DeclarationReminderKind;
      readonly year: number;
      readonly contractNumber: string;
      readonly companyName: string;
      readonly deadline: string;
      /** Days from the day it was sent to the deadline; negative once overdue. */
      readonly daysLeft: number;
    }
  | {
      readonly area: 'observatory';
      readonly kind: FlowReminderKind;
      readonly istatCode: string;
      readonly municipality: string;
      readonly month: string;
      readonly dueDate: string;
    };

/** A reminder as decided: its key, whether a filer may turn it off, who gets it and about what. */
export interface Reminder {
  readonly key: string;
  /** A reminder the filer may stop; the opening of a campaign and a late notice are not. */
  readonly optional: boolean;
  readonly recipients: readonly ReminderRecipient[];
  readonly about: ReminderAbout;
}

export type ReminderEvent = { type: 'ReminderSent'; data: Reminder };

/**
 * One stream per reminder key: a reminder is sent when its stream is created, so two processes,
 * a restart or a replay that decide the same reminder find it already there.
 */
export const reminderStream = streamCodec<[key: string], ReminderEvent>(
  'reminder-sent-',
  (key) => key,
);

export interface SendReminder {
  readonly type: 'SendReminder';
  readonly reminder: Reminder;
}

export const reminderDecider: Decider<{ sent: boolean }, SendReminder, ReminderEvent> = {
  initialState: () => ({ sent: false }),
  evolve: () => ({ sent: true }),
  decide: (command, state) =>
    state.sent ? [] : [{ type: 'ReminderSent', data: command.reminder }],
};

export type ReminderChoiceVia = 'mail-link' | 'profile';

/** A filer stops or resumes the reminders that are not mandatory. */
export type ReminderChoiceEvent =
  | { type: 'OptionalRemindersStopped'; data: { subject: ReminderSubject; via: ReminderChoiceVia } }
  | {
      type: 'OptionalRemindersResumed';
      data: { subject: ReminderSubject; via: ReminderChoiceVia };
    };

export const reminderChoiceStream = streamCodec<[subject: ReminderSubject], ReminderChoiceEvent>(
  'reminder-choice-',
  (subject) => subject,
);

export interface ChooseReminders {
  readonly type: 'ChooseReminders';
  readonly subject: ReminderSubject;
  readonly stop: boolean;
  readonly via: ReminderChoiceVia;
}

/** Asking for what is already so records nothing: a second click on the link is harmless. */
export const reminderChoiceDecider: Decider<
  { stopped: boolean },
  ChooseReminders,
  ReminderChoiceEvent
> = {
  initialState: () => ({ stopped: false }),
  evolve: (_, event) => ({ stopped: event.type === 'OptionalRemindersStopped' }),
  decide: (command, state) => {
    if (state.stopped === command.stop) return [];
    const data = { subject: command.subject, via: command.via };
    return [
      command.stop
        ? { type: 'OptionalRemindersStopped', data }
        : { type: 'OptionalRemindersResumed', data },
    ];
  },
};

export const accountSubject = (accountId: string): ReminderSubject => `account:${accountId}`;
export const municipalitySubject = (istatCode: string): ReminderSubject =>
  `municipality:${istatCode}`;
export const isReminderSubject = (text: string): boolean =>
  /^(account:[0-9a-f-]{36}|municipality:\d{6})$/.test(text);
