import { describe, expect, it } from 'vitest';
import { campaignDecider } from '../../../domain/campaigns/campaign.js';
import type { CampaignSettings } from '../../../domain/campaigns/campaignSettings.js';
import { campaignSettingsProblems } from '../../../domain/campaigns/campaignSettingsRules.js';
import { defaultCampaignSettings } from '../../../domain/campaigns/defaultCampaignSettings.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const defaults = defaultCampaignSettings(2026, '2027-01-31');
const problems = (change: Partial<CampaignSettings>) =>
  campaignSettingsProblems({ ...defaults, ...change }).map((p) => [p.path.join('.'), p.message]);

describe('campaign settings', () => {
  it('accept the defaults: Tabella 3, the ARERA shares, version 2026.1', () =>
    expect(campaignSettingsProblems(defaults)).toEqual([]));

  it('want the template version as year.number, of the campaign’s year', () => {
    for (const version of ['2026', '2025.1', 'v2', '2026.1a'])
      expect(problems({ templateVersion: version })).toEqual([
        [
          'templateVersion',
          'La versione dei modelli si scrive anno di riferimento, punto, numero (es. 2026.1).',
        ],
      ]);
    expect(problems({ templateVersion: '2026.12' })).toEqual([]);
  });

  it('want tolerances that mean something', () => {
    expect(problems({ volumeTolerance: 0, yearOnYearTolerance: 12 }).map(([path]) => path)).toEqual(
      ['volumeTolerance', 'yearOnYearTolerance'],
    );
  });

  it('want the pollutant shares to add up to 100%, over parameters the analyses report', () => {
    const tariff = {
      ...defaults.tariff,
      pollutants: [
        { parameter: 'COD', share: 0.5, referenceConcentration: 160 },
        { parameter: 'SST', share: 0.28, referenceConcentration: 80 },
        { parameter: 'URANIO', share: 0.17, referenceConcentration: 1 },
        { parameter: 'COD', share: 0, referenceConcentration: 0 },
      ],
    };
    expect(problems({ tariff })).toEqual([
      [
        'tariff.pollutants.2.parameter',
        'Il parametro «URANIO» non è tra i parametri delle analisi.',
      ],
      ['tariff.pollutants.3.parameter', 'Il parametro «COD» è indicato più di una volta.'],
      ['tariff.pollutants.3.share', 'La quota deve essere maggiore di 0% e al massimo 100%.'],
      [
        'tariff.pollutants.3.referenceConcentration',
        'La concentrazione di riferimento deve essere positiva.',
      ],
      ['tariff.pollutants', 'Le quote degli inquinanti sommano a 95%: devono fare 100%.'],
    ]);
  });

  it('want limits that are limits', () => {
    const limits = defaults.limits.map((limit) =>
      limit.parameter === 'PH'
        ? { ...limit, min: 10, max: 9.5 }
        : limit.parameter === 'COD'
          ? { ...limit, max: -1 }
          : limit,
    );
    expect(problems({ limits })).toEqual([
      ['limits.0.min', 'pH: il minimo (10) supera il massimo (9,5).'],
      ['limits.3.max', 'COD: il limite deve essere un numero non negativo.'],
    ]);
  });

  it('are refused by OpenCampaign with the first problem', () =>
    deciderSpec(campaignDecider)
      .given([])
      .when({
        type: 'OpenCampaign',
        accountId: 'op',
        settings: { ...defaults, templateVersion: '2026' },
      })
      .thenThrows('CampaignSettingsInvalid', 'templateVersion'));
});
