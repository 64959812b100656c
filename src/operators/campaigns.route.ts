import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sewerLimits } from '../../domain/declarations/defaultCampaignSettings.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { allCampaigns, campaignOf } from '../../projections/campaigns/campaigns.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import type { AppDeps } from '../app.js';
import { openCampaign } from '../declarations/openCampaign.js';
import { nestFields, type FieldErrors } from '../http/forms.js';
import { seeOther } from '../http/views.js';
import { contractLimitsRoutes } from './campaignContractLimits.route.js';
import { campaignDeclarations, campaignFilters, toCsv } from './campaignDeclarations.js';
import { campaignFormValues, readCampaignForm } from './campaigns.schema.js';

const yearParams = z.object({ anno: z.coerce.number().int().min(2000).max(2100) });

/** The operators' campaigns: open the year's one, follow who declared, export. */
export function campaignRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  contractLimitsRoutes(app, deps);
  const staff = { preHandler: requireRole('operator', 'admin', 'auditor') };
  const operators = { preHandler: requireRole('operator', 'admin') };

  const listPage = async (values: object = {}, errors: FieldErrors = {}) => ({
    title: 'Campagne delle dichiarazioni',
    campaigns: await allCampaigns(db),
    values: { ...campaignFormValues(deps.clock().getUTCFullYear()), ...values },
    limits: sewerLimits,
    errors,
  });

  app.get('/operatori/campagne', staff, async (_request, reply) =>
    reply.view('operators/campaigns', await listPage()),
  );

  app.post('/operatori/campagne', operators, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = nestFields(body);
    const form = readCampaignForm(body);
    if (!form.ok)
      return reply.code(422).view('operators/campaigns', await listPage(values, form.errors));
    try {
      const result = await openCampaign(
        deps.eventStore,
        form.settings,
        commandContext(request, deps.clock()),
      );
      await deps.projections.waitFor(result.position);
      return seeOther(request, reply, `/operatori/campagne/${form.settings.year}`);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      return reply
        .code(422)
        .view('operators/campaigns', await listPage(values, { [error.field]: error.message }));
    }
  });

  app.get('/operatori/campagne/:anno', staff, async (request, reply) => {
    const { campaign, rows, filters } = await loadCampaign(request.params, request.query);
    return reply.view('operators/campaign', {
      title: `Campagna ${campaign.settings.year}`,
      campaign: campaign.settings,
      ...rows,
      filters,
    });
  });

  app.get('/operatori/campagne/:anno/dichiarazioni.csv', staff, async (request, reply) => {
    const { campaign, rows } = await loadCampaign(request.params, request.query);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        `attachment; filename="dichiarazioni-${campaign.settings.year}.csv"`,
      )
      .send(toCsv(rows.shown));
  });

  async function loadCampaign(params: unknown, query: unknown) {
    const parsed = yearParams.safeParse(params);
    const campaign = parsed.success ? await campaignOf(db, parsed.data.anno) : undefined;
    if (!campaign) throw new DomainError('CampaignNotOpen', 'not-found', 'Campagna non trovata.');
    const filters = campaignFilters(query);
    return { campaign, filters, rows: await campaignDeclarations(db, campaign.settings, filters) };
  }
}
