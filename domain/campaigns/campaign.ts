import { streamCodec } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import { defaultReminderDays, type CampaignSettings } from './campaignSettings.js';
import { campaignSettingsProblems, reminderDaysProblems } from './campaignSettingsRules.js';
import { declarationError } from '../declarations/declarationErrors.js';

/** A yearly campaign: the year declared, its deadline, templates and figures. */
export type CampaignEvent =
  | { type: 'CampaignOpened'; data: { settings: CampaignSettings; openedBy: string } }
  | { type: 'CampaignRemindersChanged'; data: { reminderDays: number[]; changedBy: string } };

export interface CampaignState {
  readonly settings: CampaignSettings | null;
}

export interface OpenCampaign {
  readonly type: 'OpenCampaign';
  readonly accountId: string;
  readonly settings: CampaignSettings;
}

/** The days before the deadline the declarants still missing are reminded, set again. */
export interface ChangeCampaignReminders {
  readonly type: 'ChangeCampaignReminders';
  readonly accountId: string;
  readonly year: number;
  readonly reminderDays: readonly number[];
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

/** Nothing is recorded when the days are those already set. */
export function changeCampaignReminders(
  command: ChangeCampaignReminders,
  state: CampaignState,
): CampaignEvent[] {
  if (!state.settings) {
    throw declarationError(
      'CampaignNotOpen',
      'not-found',
      `La campagna ${command.year} non è aperta.`,
    );
  }
  const [problem] = reminderDaysProblems(command.reminderDays);
  if (problem) {
    throw declarationError('CampaignSettingsInvalid', 'validation', problem.message, 'promemoria');
  }
  const reminderDays = [...command.reminderDays].sort((a, b) => b - a);
  const current = reminderDaysOf(state.settings);
  if (current.length === reminderDays.length && current.every((d, i) => d === reminderDays[i]))
    return [];
  return [
    { type: 'CampaignRemindersChanged', data: { reminderDays, changedBy: command.accountId } },
  ];
}

/** The days a campaign reminds its declarants, longest first. */
export const reminderDaysOf = (settings: CampaignSettings): readonly number[] =>
  [...(settings.reminderDays ?? defaultReminderDays)].sort((a, b) => b - a);

/** A campaign's settings once `event` has happened to them. */
export function evolveSettings(
  settings: CampaignSettings | null,
  event: CampaignEvent,
): CampaignSettings | null {
  switch (event.type) {
    case 'CampaignOpened':
      return event.data.settings;
    case 'CampaignRemindersChanged':
      return settings && { ...settings, reminderDays: event.data.reminderDays };
  }
}

export const campaignDecider: Decider<
  CampaignState,
  OpenCampaign | ChangeCampaignReminders,
  CampaignEvent
> = {
  initialState: () => ({ settings: null }),
  evolve: (state, event) => ({ settings: evolveSettings(state.settings, event) }),
  decide: (command, state) =>
    command.type === 'OpenCampaign'
      ? openCampaign(command, state)
      : changeCampaignReminders(command, state),
};
