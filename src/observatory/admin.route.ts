import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { flowStreamId, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import { isYearMonth } from '../../domain/observatory/months.js';
import { DomainError } from '../../domain/shared/domainError.js';
import type { AppDeps } from '../app.js';
import { handleCommand } from '../eventStore/commandHandler.js';
import { seeOther } from '../http/views.js';
import { adminPage } from './adminPage.js';
import { adminRoleRoutes } from './adminRoles.route.js';
import { observatoryContext, requireObservatory } from './observatoryAccess.js';
import { officerAssociationRoutes } from './officerAssociations.route.js';
import { yearAndProvince } from './openData.route.js';
import { flowsCsv, regionalYear } from './regionalFigures.js';

const decisionParams = z.object({
  istat: z.string().regex(/^\d{6}$/),
  mese: z.string().refine(isYearMonth),
});

/** The observatory's admin: who filed, pending unlocks, associations, admins, export. */
export function observatoryAdminRoutes(app: FastifyInstance, deps: AppDeps): void {
  const adminsOnly = { preHandler: requireObservatory(deps, 'admin') };
  const page = adminPage(deps);

  app.get('/osservatorio/admin', adminsOnly, async (request, reply) => page(request, reply));

  async function decide(request: FastifyRequest, reply: FastifyReply, outcome: string) {
    const params = decisionParams.safeParse(request.params);
    if (!params.success) throw new DomainError('FlowUnknown', 'not-found', 'Mese non trovato.');
    const { istat: istatCode, mese: month } = params.data;
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const adminId = `cf:${request.identity!.fiscalCode}`;
    const command =
      outcome === 'sbloccato'
        ? {
            type: 'UnlockMonthlyFlow' as const,
            istatCode,
            month,
            adminId,
            note: body.nota?.trim() || null,
          }
        : {
            type: 'RejectFlowUnlock' as const,
            istatCode,
            month,
            adminId,
            reason: body.motivo ?? '',
          };
    try {
      const result = await handleCommand(
        deps.eventStore,
        monthlyFlowDecider,
        flowStreamId(istatCode, month),
        command,
        observatoryContext(request, deps.clock(), randomUUID()),
      );
      await deps.projections.waitFor(result.position);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      const key = `${istatCode}-${month}`;
      return page(
        request,
        reply,
        { [`${error.field}-${key}`]: error.message },
        { [`motivo-rifiuto-${key}`]: body.motivo ?? '' },
      );
    }
    return seeOther(request, reply, `/osservatorio/admin?esito=${outcome}`);
  }

  app.post(
    '/osservatorio/admin/sblocchi/:istat/:mese/approva',
    adminsOnly,
    async (request, reply) => decide(request, reply, 'sbloccato'),
  );
  app.post(
    '/osservatorio/admin/sblocchi/:istat/:mese/respingi',
    adminsOnly,
    async (request, reply) => decide(request, reply, 'respinto'),
  );

  officerAssociationRoutes(app, deps, page);
  adminRoleRoutes(app, deps, page);

  app.get('/osservatorio/admin/flussi.csv', adminsOnly, async (request, reply) => {
    const now = deps.clock();
    const { year, province } = yearAndProvince(request, now);
    const { rows } = await regionalYear(deps.database.db, year, now, province);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        `attachment; filename="flussi-${year}${province ? `-${province}` : ''}.csv"`,
      )
      .send(flowsCsv(rows));
  });
}
