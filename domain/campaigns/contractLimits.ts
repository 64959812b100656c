import { streamCodec } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import type { ParameterLimit } from './campaignSettings.js';
import { declarationError } from '../declarations/declarationErrors.js';
import { num } from '../declarations/figureIssues.js';

/**
 * The utility's own discharge limits for one contract (reference/domain.md: they override the
 * Tabella 3 defaults, per contract). They come from the contract's discharge permit, so they hold
 * from one year to the next: one stream per contract, `discharge-limits-<number>`, apart from the
 * contract's own so that setting them never races a hand-over or a submission. Each event carries
 * the whole list, who set it (metadata) and why (the permit it comes from); each declaration keeps
 * the overrides it was checked against.
 */

export const contractLimitsStream = streamCodec<[contractNumber: string], ContractLimitsEvent>(
  'discharge-limits-',
  (contractNumber) => contractNumber,
);

/** A bound left null keeps the campaign's. */
export interface LimitOverride {
  readonly parameter: string;
  readonly min: number | null;
  readonly max: number | null;
}

export type ContractLimitsEvent = {
  type: 'ContractLimitsSet';
  data: {
    contractNumber: string;
    limits: LimitOverride[];
    /** Why: the permit or the decision the limits come from. */
    reason: string;
    setBy: string;
  };
};

export interface ContractLimitsState {
  readonly limits: readonly LimitOverride[];
}

export interface SetContractLimits {
  readonly type: 'SetContractLimits';
  readonly accountId: string;
  readonly contractNumber: string;
  readonly limits: readonly LimitOverride[];
  readonly reason: string;
  /** The parameters of the campaign the operator works in, with their default bounds. */
  readonly campaignLimits: readonly ParameterLimit[];
}

/** The campaign's limits with the contract's bounds in place of the defaults. */
export function effectiveLimits(
  campaign: readonly ParameterLimit[],
  overrides: readonly LimitOverride[],
): ParameterLimit[] {
  return campaign.map((limit) => {
    const own = overrides.find((o) => o.parameter === limit.parameter);
    return own ? { ...limit, min: own.min ?? limit.min, max: own.max ?? limit.max } : limit;
  });
}

const invalid = (message: string, field: string) =>
  declarationError('ContractLimitsInvalid', 'validation', message, field);

function mustBeSound(command: SetContractLimits): void {
  if (command.reason.trim().length < 5)
    throw invalid(
      "Indica il motivo: per esempio l'autorizzazione allo scarico da cui vengono i limiti.",
      'motivo',
    );
  command.limits.forEach((own, index) => {
    const limit = command.campaignLimits.find((l) => l.parameter === own.parameter);
    if (!limit || command.limits.findIndex((o) => o.parameter === own.parameter) < index)
      throw invalid(`Il parametro «${own.parameter}» non è tra quelli delle analisi.`, 'limiti');
    for (const bound of [own.min, own.max])
      if (bound !== null && !(Number.isFinite(bound) && bound >= 0))
        throw invalid(`${limit.label}: il limite deve essere un numero non negativo.`, 'limiti');
    const [effective] = effectiveLimits([limit], [own]);
    if (effective!.min !== null && effective!.max !== null && effective!.min > effective!.max)
      throw invalid(
        `${limit.label}: il minimo (${num(effective!.min)}) supera il massimo (${num(effective!.max)}).`,
        'limiti',
      );
  });
}

const key = (limits: readonly LimitOverride[]) =>
  JSON.stringify(
    [...limits]
      .sort((a, b) => a.parameter.localeCompare(b.parameter))
      .map((o) => [o.parameter, o.min, o.max]),
  );

/** An operator sets the contract's limits; the same limits again change nothing. */
export function setContractLimits(
  command: SetContractLimits,
  state: ContractLimitsState,
): ContractLimitsEvent[] {
  mustBeSound(command);
  const limits = command.limits.filter((o) => o.min !== null || o.max !== null);
  if (key(limits) === key(state.limits)) return [];
  return [
    {
      type: 'ContractLimitsSet',
      data: {
        contractNumber: command.contractNumber,
        limits,
        reason: command.reason.trim(),
        setBy: command.accountId,
      },
    },
  ];
}

export const contractLimitsDecider: Decider<
  ContractLimitsState,
  SetContractLimits,
  ContractLimitsEvent
> = {
  initialState: () => ({ limits: [] }),
  evolve: (_state, event) => ({ limits: event.data.limits }),
  decide: setContractLimits,
};
