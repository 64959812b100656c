import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sewerLimits } from '../../domain/campaigns/defaultCampaignSettings.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { allCampaigns, campaignOf } from '../../projections/campaigns/campaigns.js';
import { commandContext } from '../accounts/auth.js';
import { campaignEditors, campaignReaders, mayEditCampaigns } from './campaignAccess.js';
import type { AreaDeps } from '../deps.js';
import { changeCampaignReminders, openCampaign } from './openCampaign.js';
import { reminderDaysLine, reminderDaysText } from './reminderDays.js';
import { campaignReminders } from './campaignReminders.js';
import { reminderDaysOf } from '../../domain/campaigns/campaign.js';
import { contentDisposition } from '../platform/http/contentDisposition.js';
import { paramsOf, queryOf, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { reviewOutcomeLabels } from '../../domain/declarations/reviewDeclaration.js';
import { campaignDeclarations, campaignFiltersQuery, toCsv } from './campaignDeclarations.js';
import { campaignFormValues } from './campaignFormValues.js';
import { campaignFormSchema } from './campaigns.schema.js';

const yearParams = z.object({ anno: z.coerce.number().int().min(2000).max(2100) });
const reminderDaysForm = z.object({ promemoria: reminderDaysText });

/** The operators' campaigns: open the year's one, follow who declared, export. */
export function campaignRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const { db } = deps.database;

  const listPage = async (
    request: FastifyRequest,
    values: object = {},
    errors: FieldErrors = {},
  ) => ({
    title: 'Campagne delle dichiarazioni',
    editable: mayEditCampaigns(request),
    campaigns: await allCampaigns(db),
    values: { ...campaignFormValues(deps.clock().getUTCFullYear()), ...values },
    limits: sewerLimits,
    errors,
  });

  // '' is the area's prefix itself, /operatori/campagne (see index.ts).
  app.get('', campaignReaders, async (request, reply) =>
    reply.view('campaigns/campaigns', await listPage(request)),
  );

  app.post('', campaignEditors, async (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: campaignFormSchema,
      run: async (settings) => {
        const context = commandContext(request, deps.clock());
        const result = await openCampaign(deps.eventStore, settings, context);
        return { position: result.position, redirect: `/operatori/campagne/${settings.year}` };
      },
      invalid: async (errors, values) =>
        reply.view('campaigns/campaigns', await listPage(request, values, errors)),
    }),
  );

  const campaignPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: { promemoria?: unknown } = {},
    errors: FieldErrors = {},
  ) => {
    const { campaign, rows, filters } = await loadCampaign(request);
    return reply.view('campaigns/campaign', {
      title: `Campagna ${campaign.settings.year}`,
      reviewLabels: reviewOutcomeLabels,
      campaign: campaign.settings,
      ...rows,
      filters,
      reminders: await campaignReminders(db, campaign),
      editable: mayEditCampaigns(request),
      values: { promemoria: reminderDaysLine(reminderDaysOf(campaign.settings)), ...values },
      errors,
    });
  };

  app.get('/:anno', campaignReaders, (request, reply) => campaignPage(request, reply));

  app.post('/:anno/promemoria', campaignEditors, async (request, reply) => {
    const { anno } = paramsOf(yearParams, request);
    return submitForm(request, reply, deps.projections, {
      schema: reminderDaysForm,
      run: async (form) => {
        const result = await changeCampaignReminders(
          deps.eventStore,
          anno,
          form.promemoria,
          commandContext(request, deps.clock()),
        );
        return { position: result.position, redirect: `/operatori/campagne/${anno}#promemoria` };
      },
      invalid: (errors, values) => campaignPage(request, reply, values, errors),
    });
  });

  app.get('/:anno/dichiarazioni.csv', campaignReaders, async (request, reply) => {
    const { campaign, rows } = await loadCampaign(request);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        contentDisposition('attachment', `dichiarazioni-${campaign.settings.year}.csv`),
      )
      .send(toCsv(rows.shown));
  });

  async function loadCampaign(request: FastifyRequest) {
    const campaign = await campaignOf(db, paramsOf(yearParams, request).anno);
    if (!campaign) throw new DomainError('CampaignNotOpen', 'not-found', 'Campagna non trovata.');
    const filters = queryOf(campaignFiltersQuery, request);
    return { campaign, filters, rows: await campaignDeclarations(db, campaign.settings, filters) };
  }
}
