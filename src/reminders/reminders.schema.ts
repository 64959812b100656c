import { z } from 'zod';
import { isReminderSubject } from '../../domain/reminders/reminderEvents.js';

/** The stop link's query: whose reminders, and the token that proves the link is ours. */
export const reminderLinkFields = z.object({
  soggetto: z.string().max(100).refine(isReminderSubject),
  t: z.string().regex(/^[\w-]{10,100}$/),
});
export type ReminderLink = z.output<typeof reminderLinkFields>;

/** On or off, from the profile (the organisation's) or the officer's page (the municipality's). */
export const reminderChoiceForm = z.object({
  promemoria: z.enum(['attivi', 'disattivati'], { error: 'Scegli se ricevere i promemoria.' }),
});
