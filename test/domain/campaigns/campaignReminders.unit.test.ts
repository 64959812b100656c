import { describe, expect, it } from 'vitest';
import {
  campaignDecider,
  reminderDaysOf,
  type CampaignEvent,
} from '../../../domain/campaigns/campaign.js';
import { defaultCampaignSettings } from '../../../domain/campaigns/defaultCampaignSettings.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const defaults = defaultCampaignSettings(2026, '2027-01-31');
const opened: CampaignEvent = {
  type: 'CampaignOpened',
  data: { settings: defaults, openedBy: 'op' },
};
const change = (reminderDays: number[]) => ({
  type: 'ChangeCampaignReminders' as const,
  accountId: 'op',
  year: 2026,
  reminderDays,
});

describe('a campaign’s reminders', () => {
  it('are 30 and 7 days before the deadline unless the operator says otherwise', () => {
    expect(reminderDaysOf(defaults)).toEqual([30, 7]);
    expect(reminderDaysOf({ ...defaults, reminderDays: undefined })).toEqual([30, 7]);
  });

  it('change to the days given, longest first, recorded with who changed them', () =>
    deciderSpec(campaignDecider)
      .given([opened])
      .when(change([3, 14]))
      .then([
        { type: 'CampaignRemindersChanged', data: { reminderDays: [14, 3], changedBy: 'op' } },
      ]));

  it('may be none at all', () =>
    deciderSpec(campaignDecider)
      .given([opened])
      .when(change([]))
      .then([{ type: 'CampaignRemindersChanged', data: { reminderDays: [], changedBy: 'op' } }]));

  it('record nothing when the days are those already set', () =>
    deciderSpec(campaignDecider)
      .given([opened])
      .when(change([7, 30]))
      .then([]));

  it('refuse days outside 1–180, repeated, or more than five', () => {
    for (const days of [[0], [181], [7, 7], [1, 2, 3, 4, 5, 6], [1.5]])
      deciderSpec(campaignDecider)
        .given([opened])
        .when(change(days))
        .thenThrows('CampaignSettingsInvalid', 'promemoria');
  });

  it('need the campaign open', () =>
    deciderSpec(campaignDecider)
      .given([])
      .when(change([7]))
      .thenThrows('CampaignNotOpen'));

  it('are part of the settings once changed', () => {
    const changed: CampaignEvent = {
      type: 'CampaignRemindersChanged',
      data: { reminderDays: [10], changedBy: 'op' },
    };
    const state = [opened, changed].reduce(
      (next, event) => campaignDecider.evolve(next, event),
      campaignDecider.initialState(),
    );
    expect(state.settings?.reminderDays).toEqual([10]);
    expect(state.settings?.tariff).toEqual(defaults.tariff);
  });
});
