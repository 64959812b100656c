import type {
  DeclarationReminderKind,
  FlowReminderKind,
} from '../../domain/reminders/reminderEvents.js';

/** What each reminder says, in a word or two, for the pages that list them. */
export const reminderKindLabels: Record<DeclarationReminderKind | FlowReminderKind, string> = {
  'campaign-opened': 'Apertura della campagna',
  'before-deadline': 'Prima della scadenza',
  overdue: 'Scadenza superata',
  'month-ended': 'Mese concluso (1° del mese)',
  'month-due-soon': 'Scadenza vicina (10 del mese)',
  'month-late': 'In ritardo (16 del mese)',
};
