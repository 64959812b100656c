import {
  reminderChoiceDecider,
  reminderChoiceStream,
  type ReminderChoiceVia,
  type ReminderSubject,
} from '../../domain/reminders/reminderEvents.js';
import { otpCodes } from '../accounts/otpCodes.js';
import { handleCommand, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';

/** Stops or resumes a subject's optional reminders; the same choice twice records nothing. */
export const chooseReminders = (
  store: EventStore,
  choice: { subject: ReminderSubject; stop: boolean; via: ReminderChoiceVia },
  context: CommandContext,
) =>
  handleCommand(
    store,
    reminderChoiceDecider,
    reminderChoiceStream.id(choice.subject),
    { type: 'ChooseReminders', ...choice },
    context,
  );

const purpose = 'reminders';

/**
 * The link in a reminder that stops its subject's optional reminders without a login: the
 * subject and a MAC of it with the server's key, so nobody can stop someone else's.
 */
export function reminderLinks(serverSecret: string) {
  const codes = otpCodes(serverSecret);
  return {
    stopLink: (publicUrl: string, subject: ReminderSubject) =>
      `${publicUrl}/promemoria/disattiva?${new URLSearchParams({
        soggetto: subject,
        t: codes.token(purpose, subject),
      }).toString()}`,
    matches: (subject: ReminderSubject, token: string) =>
      codes.tokenMatches(purpose, subject, token),
  };
}
