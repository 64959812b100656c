import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  contractLimitsDecider,
  contractLimitsStream,
} from '../../domain/campaigns/contractLimits.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { accountNames } from '../../projections/accounts/accountQueries.js';
import { campaignOf, type CampaignRow } from '../../projections/campaigns/campaigns.js';
import { contractCompany } from '../../projections/contracts/contractQueries.js';
import { commandContext } from '../accounts/auth.js';
import { campaignEditors, campaignReaders, mayEditCampaigns } from './campaignAccess.js';
import type { AreaDeps } from '../deps.js';
import { handleCommand, readState } from '../platform/eventStore/commandHandler.js';
import type { RecordedEvent } from '../platform/eventStore/eventStore.js';
import { paramsOf, queryOf, submitForm } from '../platform/http/command.js';
import { compact, type FieldErrors } from '../platform/http/forms.js';
import { line } from '../platform/http/text.js';
import { italian, limitRow, readBounds, reportErrors } from './limitRows.js';

const params = z.object({
  anno: z.coerce.number().int().min(2000).max(2100),
  contratto: z.string().regex(/^\d{10}$/),
});
const savedQuery = z.object({ esito: z.literal('salvati').optional().catch(undefined) });

/** The form of a campaign's table: the contract's own bounds (empty keeps the campaign's) and why. */
const limitsForm = (campaign: CampaignRow) =>
  z
    .object({ motivo: line(300).optional(), limiti: z.array(limitRow.optional()).optional() })
    .transform((form, ctx) => {
      const errors: FieldErrors = {};
      const bounds = readBounds(campaign.settings.limits, compact(form.limiti), errors);
      reportErrors(errors, ctx);
      return {
        reason: form.motivo ?? '',
        limits: bounds.flatMap(({ limit, min, max }) =>
          min === null && max === null ? [] : [{ parameter: limit.parameter, min, max }],
        ),
      };
    });

/**
 * A contract's own discharge limits, set by an operator in the context of a campaign (whose
 * defaults the page shows); they hold for the contract's later campaigns too.
 */
export function contractLimitsRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const { db } = deps.database;
  const path = '/:anno/contratti/:contratto/limiti';

  async function load(request: FastifyRequest) {
    const { anno, contratto } = paramsOf(params, request);
    const campaign = await campaignOf(db, anno);
    const contract = await contractCompany(db, contratto);
    if (!campaign || !contract)
      throw new DomainError('DeclarationUnknown', 'not-found', 'Contratto non trovato.');
    const streamId = contractLimitsStream.id(contract.contract_number);
    // Reads the stream: no read model keeps a contract's own limits, nor their history.
    const { events } = await deps.eventStore.readStream(streamId);
    const { state } = await readState(deps.eventStore, contractLimitsDecider, streamId);
    return { campaign, contract, streamId, events, limits: state.limits };
  }
  type Limits = Awaited<ReturnType<typeof load>>;

  /** Each change of the contract's limits: when, by whom (by name), how many, why. */
  async function history(events: readonly RecordedEvent[]) {
    const names = await accountNames(
      db,
      events.map((event) => event.metadata.actor.id),
    );
    return events.map((event) => ({
      at: event.metadata.occurredAt,
      by: names.get(event.metadata.actor.id) ?? event.metadata.actor.id,
      reason: (event.data as { reason?: string }).reason ?? '',
      count: ((event.data as { limits?: unknown[] }).limits ?? []).length,
    }));
  }

  async function page(
    reply: FastifyReply,
    { campaign, contract, events, limits }: Limits,
    form: { errors?: FieldErrors; values?: Record<string, unknown>; saved?: boolean },
  ) {
    const own = (parameter: string) => limits.find((o) => o.parameter === parameter);
    return reply.view('campaigns/campaignContractLimits', {
      title: `Limiti allo scarico · contratto ${contract.contract_number}`,
      editable: mayEditCampaigns(reply.request),
      campaign: campaign.settings,
      contract,
      limits: campaign.settings.limits,
      own: limits,
      history: await history(events),
      values: form.values ?? {
        motivo: '',
        limiti: campaign.settings.limits.map((limit) => ({
          minimo: italian(own(limit.parameter)?.min ?? null),
          massimo: italian(own(limit.parameter)?.max ?? null),
        })),
      },
      errors: form.errors ?? {},
      saved: form.saved ?? false,
    });
  }

  app.get(path, campaignReaders, async (request, reply) =>
    page(reply, await load(request), { saved: queryOf(savedQuery, request).esito === 'salvati' }),
  );

  app.post(path, campaignEditors, async (request, reply) => {
    const target = await load(request);
    const { campaign, contract } = target;
    return submitForm(request, reply, deps.projections, {
      schema: limitsForm(campaign),
      run: async ({ reason, limits }) => {
        const result = await handleCommand(
          deps.eventStore,
          contractLimitsDecider,
          target.streamId,
          {
            type: 'SetContractLimits',
            accountId: request.account!.accountId,
            contractNumber: contract.contract_number,
            limits,
            reason,
            campaignLimits: campaign.settings.limits,
          },
          commandContext(request, deps.clock()),
        );
        const redirect = `/operatori/campagne/${campaign.settings.year}/contratti/${contract.contract_number}/limiti?esito=salvati`;
        return { position: result.position, redirect };
      },
      invalid: (errors, values) => page(reply, target, { errors, values }),
    });
  });
}
