import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  contractLimitsDecider,
  contractLimitsStreamId,
  type LimitOverride,
} from '../../domain/declarations/contractLimits.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { campaignOf, type CampaignRow } from '../../projections/campaigns/campaigns.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import type { AppDeps } from '../app.js';
import { handleCommand, readState } from '../eventStore/commandHandler.js';
import { compact, nestFields, type FieldErrors } from '../http/forms.js';
import { seeOther } from '../http/views.js';
import { italian } from './campaigns.schema.js';

const params = z.object({
  anno: z.coerce.number().int().min(2000).max(2100),
  contratto: z.string().regex(/^\d{10}$/),
});

const number = /^\d+([.,]\d+)?$/;

interface LimitRow {
  parametro?: string;
  minimo?: string;
  massimo?: string;
}

/** The rows of the form: a bound left empty keeps the campaign's. */
function readRows(campaign: CampaignRow, rows: LimitRow[], errors: FieldErrors): LimitOverride[] {
  return campaign.settings.limits.flatMap((limit, index) => {
    const row = rows.find((r) => r.parametro === limit.parameter) ?? {};
    const bound = (name: 'minimo' | 'massimo') => {
      const text = row[name]?.trim() ?? '';
      if (text === '') return null;
      if (number.test(text)) return Number(text.replace(',', '.'));
      errors[`limiti[${index}][${name}]`] = `${limit.label}: inserire un numero o lasciare vuoto.`;
      return null;
    };
    const own = { parameter: limit.parameter, min: bound('minimo'), max: bound('massimo') };
    return own.min === null && own.max === null ? [] : [own];
  });
}

/**
 * A contract's own discharge limits, set by an operator in the context of a campaign (whose
 * defaults the page shows); they hold for the contract's later campaigns too.
 */
export function contractLimitsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  const staff = { preHandler: requireRole('operator', 'admin', 'auditor') };
  const operators = { preHandler: requireRole('operator', 'admin') };
  const path = '/operatori/campagne/:anno/contratti/:contratto/limiti';

  async function load(request: FastifyRequest) {
    const parsed = params.safeParse(request.params);
    const campaign = parsed.success ? await campaignOf(db, parsed.data.anno) : undefined;
    const contract = parsed.success
      ? await db
          .selectFrom('contracts')
          .select(['contract_number', 'company_name', 'customer_code'])
          .where('contract_number', '=', parsed.data.contratto)
          .executeTakeFirst()
      : undefined;
    if (!campaign || !contract)
      throw new DomainError('DeclarationUnknown', 'not-found', 'Contratto non trovato.');
    const streamId = contractLimitsStreamId(contract.contract_number);
    const { events } = await deps.eventStore.readStream(streamId);
    const { state } = await readState(deps.eventStore, contractLimitsDecider, streamId);
    return { campaign, contract, streamId, events, limits: state.limits };
  }

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { errors?: FieldErrors; values?: Record<string, unknown>; saved?: boolean } = {},
  ) {
    const { campaign, contract, events, limits } = await load(request);
    const own = (parameter: string) => limits.find((o) => o.parameter === parameter);
    const values = form.values ?? {
      motivo: '',
      limiti: campaign.settings.limits.map((limit) => ({
        minimo: italian(own(limit.parameter)?.min ?? null),
        massimo: italian(own(limit.parameter)?.max ?? null),
      })),
    };
    const errors = form.errors ?? {};
    const actors = events.map((event) => event.metadata.actor.id);
    const names = new Map(
      actors.length === 0
        ? []
        : (
            await db
              .selectFrom('accounts')
              .select(['account_id', 'full_name'])
              .where('account_id', 'in', actors)
              .execute()
          ).map((row) => [row.account_id, row.full_name]),
    );
    return reply
      .code(Object.keys(errors).length > 0 ? 422 : 200)
      .view('operators/campaignContractLimits', {
        title: `Limiti allo scarico · contratto ${contract.contract_number}`,
        campaign: campaign.settings,
        contract,
        limits: campaign.settings.limits,
        own: limits,
        history: events.map((event) => ({
          at: event.metadata.occurredAt,
          by: names.get(event.metadata.actor.id) ?? event.metadata.actor.id,
          reason: (event.data as { reason?: string }).reason ?? '',
          count: ((event.data as { limits?: unknown[] }).limits ?? []).length,
        })),
        values,
        errors,
        saved: form.saved ?? false,
      });
  }

  app.get(path, staff, async (request, reply) =>
    page(request, reply, { saved: (request.query as { esito?: string }).esito === 'salvati' }),
  );

  app.post(path, operators, async (request, reply) => {
    const { campaign, contract, streamId } = await load(request);
    const values = nestFields(request.body) as {
      motivo?: string;
      limiti?: (LimitRow | undefined)[];
    };
    const errors: FieldErrors = {};
    const limits = readRows(campaign, compact(values.limiti), errors);
    if (Object.keys(errors).length > 0) return page(request, reply, { errors, values });
    const now = deps.clock();
    try {
      const result = await handleCommand(
        deps.eventStore,
        contractLimitsDecider,
        streamId,
        {
          type: 'SetContractLimits',
          accountId: request.account!.accountId,
          contractNumber: contract.contract_number,
          limits,
          reason: typeof values.motivo === 'string' ? values.motivo : '',
          campaignLimits: campaign.settings.limits,
        },
        commandContext(request, now),
      );
      await deps.projections.waitFor(result.position);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      return page(request, reply, { errors: { [error.field]: error.message }, values });
    }
    return seeOther(
      request,
      reply,
      `/operatori/campagne/${campaign.settings.year}/contratti/${contract.contract_number}/limiti?esito=salvati`,
    );
  });
}
