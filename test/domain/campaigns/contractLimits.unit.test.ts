import { describe, expect, it } from 'vitest';
import {
  contractLimitsDecider,
  effectiveLimits,
  type SetContractLimits,
} from '../../../domain/campaigns/contractLimits.js';
import { sewerLimits } from '../../../domain/campaigns/defaultCampaignSettings.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const spec = deciderSpec(contractLimitsDecider);
const set = (
  limits: SetContractLimits['limits'],
  reason = 'Autorizzazione allo scarico n. 12/2024',
): SetContractLimits => ({
  type: 'SetContractLimits',
  accountId: 'op-1',
  contractNumber: '3001234567',
  limits,
  reason,
  campaignLimits: sewerLimits,
});
const cod300 = { parameter: 'COD', min: null, max: 300 };
const setEvent = (
  limits: (typeof cod300)[],
  reason = 'Autorizzazione allo scarico n. 12/2024',
) => ({
  type: 'ContractLimitsSet' as const,
  data: { contractNumber: '3001234567', limits, reason, setBy: 'op-1' },
});

describe('SetContractLimits', () => {
  it('records the contract’s own limits with the reason', () =>
    spec
      .given([])
      .when(set([cod300]))
      .then([setEvent([cod300])]));

  it('wants a reason: the permit the limits come from', () =>
    spec
      .given([])
      .when(set([cod300], ' ok '))
      .thenThrows('ContractLimitsInvalid', 'motivo'));

  it('knows only the parameters of the analyses', () =>
    spec
      .given([])
      .when(set([{ parameter: 'URANIO', min: null, max: 1 }]))
      .thenThrows('ContractLimitsInvalid', 'limiti'));

  it('refuses a minimum above the maximum, the campaign’s bound included', () =>
    spec
      .given([])
      .when(set([{ parameter: 'PH', min: 10, max: null }]))
      .thenThrows('ContractLimitsInvalid', 'limiti'));

  it('changes nothing when the limits are the same', () =>
    spec
      .given([setEvent([cod300])])
      .when(set([cod300], 'Di nuovo lo stesso'))
      .then([]));

  it('goes back to the campaign’s limits when every bound is left empty', () =>
    spec
      .given([setEvent([cod300])])
      .when(
        set(
          [{ parameter: 'COD', min: null, max: null }],
          'Nuova autorizzazione senza limiti propri',
        ),
      )
      .then([setEvent([], 'Nuova autorizzazione senza limiti propri')]));
});

describe('effective limits', () => {
  it('take the contract’s bounds and keep the campaign’s elsewhere', () => {
    const limits = effectiveLimits(sewerLimits, [cod300, { parameter: 'PH', min: 6, max: null }]);
    expect(limits.find((l) => l.parameter === 'COD')).toMatchObject({ max: 300, min: null });
    expect(limits.find((l) => l.parameter === 'PH')).toMatchObject({ min: 6, max: 9.5 });
    expect(limits.find((l) => l.parameter === 'SST')).toEqual(
      sewerLimits.find((l) => l.parameter === 'SST'),
    );
  });
});
