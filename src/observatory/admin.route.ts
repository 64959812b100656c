import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { flowStream, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import type { ObservatoryDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { paramsOf, submitForm } from '../platform/http/command.js';
import { contentDisposition } from '../platform/http/contentDisposition.js';
import { approveUnlockSchema, rejectUnlockSchema, unlockParams } from './adminForms.schema.js';
import { adminPage, onPage } from './adminPage.js';
import { observatoryContext, requireObservatory } from './observatoryAccess.js';
import { yearAndProvince } from './openData.route.js';
import { flowsCsv, regionalYear } from './regionalFigures.js';
import { isYearOfMonthValidated } from './yearDecisions.js';

/** The observatory's admin: who filed, pending unlocks, associations, admins, export. */
export function observatoryAdminRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  const adminsOnly = { preHandler: requireObservatory(deps, 'admin') };
  const page = adminPage(deps);

  app.get('/admin', adminsOnly, async (request, reply) => page(request, reply));

  /** The admin's answer to a pending unlock: one command on the month's stream. */
  const decisions = [
    ['approva', approveUnlockSchema, 'sbloccato'],
    ['respingi', rejectUnlockSchema, 'respinto'],
  ] as const;
  for (const [path, schema, outcome] of decisions) {
    const url = `/admin/sblocchi/:istat/:mese/${path}`;
    app.post(url, adminsOnly, async (request, reply) => {
      const { istat: istatCode, mese: month } = paramsOf(unlockParams, request);
      const key = `${istatCode}-${month}`;
      // Every pending request has its pair of forms; the decider calls the reason 'motivo-rifiuto'.
      const reason = `motivo-rifiuto-${key}`;
      const ids = { motivo: reason, 'motivo-rifiuto': reason, nota: `nota-${key}` };
      return submitForm(request, reply, deps.projections, {
        schema,
        run: async (form) => {
          const who = { istatCode, month, adminId: `cf:${request.identity!.fiscalCode}` };
          const command =
            'motivo' in form
              ? { type: 'RejectFlowUnlock' as const, ...who, reason: form.motivo }
              : {
                  type: 'UnlockMonthlyFlow' as const,
                  ...who,
                  note: form.nota,
                  yearValidated: await isYearOfMonthValidated(deps.eventStore, istatCode, month),
                };
          const result = await handleCommand(
            deps.eventStore,
            monthlyFlowDecider,
            flowStream.id(istatCode, month),
            command,
            observatoryContext(request, deps.clock(), randomUUID()),
          );
          return { position: result.position, redirect: `/osservatorio/admin?esito=${outcome}` };
        },
        invalid: (errors, values) => page(request, reply, onPage(ids, errors, values)),
      });
    });
  }

  app.get('/admin/flussi.csv', adminsOnly, async (request, reply) => {
    const now = deps.clock();
    const { year, province } = yearAndProvince(request, now);
    const { rows } = await regionalYear(deps.database.db, year, now, province);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        contentDisposition('attachment', `flussi-${year}${province ? `-${province}` : ''}.csv`),
      )
      .send(flowsCsv(rows));
  });
}
