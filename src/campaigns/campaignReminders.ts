import type { Kysely } from 'kysely';
import { reminderDaysOf } from '../../domain/campaigns/campaign.js';
import { addDays, romeDay } from '../../domain/shared/italianDate.js';
import type { CampaignRow } from '../../projections/campaigns/campaigns.js';
import { sentReminders } from '../../projections/reminders/reminders.js';
import type { Schema } from '../platform/db/schema.js';
import { reminderKindLabels } from '../reminders/reminderLabels.js';

/** How many reminders the campaign page lists; the rest are in the log. */
const shown = 500;

/**
 * The campaign page's «Promemoria»: when the declarants still missing are written to, and who was
 * reminded, newest first.
 */
export async function campaignReminders(db: Kysely<Schema>, campaign: CampaignRow) {
  const { settings } = campaign;
  const openedOn = romeDay(new Date(campaign.openedAt));
  const schedule = [
    { day: openedOn, label: 'Apertura della campagna', optional: false },
    // A day that fell before the opening is never sent (declarationReminders.ts).
    ...reminderDaysOf(settings)
      .map((days) => ({
        day: addDays(settings.deadline, -days),
        label: `${days} giorni prima della scadenza`,
        optional: true,
      }))
      .filter((step) => step.day > openedOn),
    { day: addDays(settings.deadline, 1), label: 'Il giorno dopo la scadenza', optional: false },
  ].sort((a, b) => a.day.localeCompare(b.day));
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
