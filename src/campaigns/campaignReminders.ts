import type { Kysely } from 'kysely';
import { milestones, type Milestone } from '../../domain/reminders/declarationReminders.js';
import type { CampaignRow } from '../../projections/campaigns/campaigns.js';
import { sentReminders } from '../../projections/reminders/reminders.js';
import type { Schema } from '../platform/db/schema.js';
import { campaignForReminders } from '../reminders/reminderInputs.js';
import { reminderKindLabels } from '../reminders/reminderLabels.js';

const scheduleLabel = (step: Milestone): string =>
  step.kind === 'before-deadline'
    ? `${step.daysBefore} giorni prima della scadenza`
    : step.kind === 'campaign-opened'
      ? 'Apertura della campagna'
      : 'Il giorno dopo la scadenza';

/** How many reminders the campaign page lists; the rest are in the log. */
const shown = 500;

/**
 * The campaign page's «Promemoria»: when the declarants still missing are written to, and who was
 * reminded, newest first.
 */
export async function campaignReminders(db: Kysely<Schema>, campaign: CampaignRow) {
  const { settings } = campaign;
  // The same calendar the reminders are decided by (domain/reminders/declarationReminders.ts).
  const schedule = milestones(campaignForReminders(campaign)).map((step) => ({
    day: step.due,
    label: scheduleLabel(step),
    optional: step.kind === 'before-deadline',
  }));
  const sent = await sentReminders(db, { area: 'declarations', year: settings.year }, shown);
  return {
    schedule,
    sent: sent.map((reminder) => ({
      ...reminder,
      label:
        reminder.about.area === 'declarations' && reminder.about.kind === 'before-deadline'
          ? `${reminder.about.daysLeft} giorni prima della scadenza`
          : reminderKindLabels[reminder.about.kind],
    })),
    shown,
  };
}
