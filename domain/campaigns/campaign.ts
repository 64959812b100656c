import { streamCodec } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import type { CampaignSettings } from './campaignSettings.js';
import { campaignSettingsProblems } from './campaignSettingsRules.js';
import { declarationError } from '../declarations/declarationErrors.js';

/** A yearly campaign: the year declared, its deadline, templates and figures. */
export type CampaignEvent = {
  type: 'CampaignOpened';
  data: { settings: CampaignSettings; openedBy: string };
};

export interface CampaignState {
  readonly settings: CampaignSettings | null;
}

export interface OpenCampaign {
  readonly type: 'OpenCampaign';
  readonly accountId: string;
  readonly settings: CampaignSettings;
}

export const campaignStream = streamCodec<[year: number], CampaignEvent>('campaign-', String);

/**
 * The declaration of year Y is filed after Y ends, so its deadline lies in a later year; the
 * figures must be usable (campaignSettingsRules).
 */
export function openCampaign(command: OpenCampaign, state: CampaignState): CampaignEvent[] {
  const { settings } = command;
  if (state.settings) {
    throw declarationError(
      'CampaignAlreadyOpen',
      'conflict',
      `La campagna ${settings.year} è già aperta.`,
      'anno',
    );
  }
  if (settings.deadline <= `${settings.year}-12-31`) {
    throw declarationError(
      'DeadlineBeforeYearEnd',
      'validation',
      `La scadenza deve cadere dopo la fine dell'anno di riferimento (${settings.year}).`,
      'scadenza',
    );
  }
  const [problem] = campaignSettingsProblems(settings);
  if (problem) {
    throw declarationError(
      'CampaignSettingsInvalid',
      'validation',
      problem.message,
      problem.path.join('.'),
    );
  }
  return [{ type: 'CampaignOpened', data: { settings, openedBy: command.accountId } }];
}

export const campaignDecider: Decider<CampaignState, OpenCampaign, CampaignEvent> = {
  initialState: () => ({ settings: null }),
  evolve: (state, event) =>
    event.type === 'CampaignOpened' ? { settings: event.data.settings } : state,
  decide: (command, state) => openCampaign(command, state),
};
