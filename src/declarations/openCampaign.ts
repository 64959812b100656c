import { campaignDecider, campaignStreamId } from '../../domain/declarations/campaign.js';
import type { CampaignSettings } from '../../domain/declarations/campaignSettings.js';
import { handleCommand, type CommandContext } from '../eventStore/commandHandler.js';
import type { EventStore } from '../eventStore/eventStore.js';

/** OpenCampaign for the year of `settings`, by the actor of the context (operator, CLI, demo). */
export const openCampaign = (
  store: EventStore,
  settings: CampaignSettings,
  context: CommandContext,
) =>
  handleCommand(
    store,
    campaignDecider,
    campaignStreamId(settings.year),
    { type: 'OpenCampaign', accountId: context.actor.id, settings },
    context,
  );
