import { campaignDecider, campaignStream } from '../../domain/campaigns/campaign.js';
import type { CampaignSettings } from '../../domain/campaigns/campaignSettings.js';
import { handleCommand, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';

/** OpenCampaign for the year of `settings`, by the actor of the context (operator, CLI, demo). */
export const openCampaign = (
  store: EventStore,
  settings: CampaignSettings,
  context: CommandContext,
) =>
  handleCommand(
    store,
    campaignDecider,
    campaignStream.id(settings.year),
    { type: 'OpenCampaign', accountId: context.actor.id, settings },
    context,
  );

/** ChangeCampaignReminders: the days before the deadline the declarants still missing hear. */
export const changeCampaignReminders = (
  store: EventStore,
  year: number,
  reminderDays: readonly number[],
  context: CommandContext,
) =>
  handleCommand(
    store,
    campaignDecider,
    campaignStream.id(year),
    { type: 'ChangeCampaignReminders', accountId: context.actor.id, year, reminderDays },
    context,
  );
