import type { FastifyInstance } from 'fastify';
import type { FlowEvent } from '../../domain/observatory/flowEvents.js';
import { flowStreamId } from '../../domain/observatory/monthlyFlowDecider.js';
import { addMonths, monthLabel } from '../../domain/observatory/months.js';
import {
  municipalityStreamId,
  type OfficerEvent,
} from '../../domain/observatory/municipalityOfficer.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { DomainError } from '../../domain/shared/domainError.js';
import type { AppDeps } from '../app.js';
import { yearAndProvince } from './openData.route.js';
import { requireObservatory } from './observatoryAccess.js';

const describe = (event: FlowEvent | OfficerEvent): string => {
  switch (event.type) {
    case 'FlowDraftSaved':
      return `Bozza salvata (${event.data.rows.length} righe)`;
    case 'MonthlyFlowSubmitted':
      return `Inviata la versione ${event.data.version}${event.data.daysLate ? `, ${event.data.daysLate} giorni dopo la scadenza` : ''}${event.data.affectsFunding ? ' (incide sui finanziamenti)' : ''}`;
    case 'FlowUnlockRequested':
      return `Sblocco richiesto: «${event.data.reason}»`;
    case 'MonthlyFlowUnlocked':
      return `Sbloccato${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'FlowUnlockRejected':
      return `Sblocco respinto: ${event.data.reason}`;
    case 'OfficerAssigned':
      return `Associato l'utente ${event.data.fiscalCode} (${event.data.email})`;
    case 'OfficerAssignmentEnded':
      return `Chiusa l'associazione di ${event.data.fiscalCode}: ${event.data.reason}`;
  }
};

/** A municipality's history for the admin: its users, and every event of each month of a year. */
export function municipalityHistoryRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/osservatorio/admin/comuni/:istat',
    { preHandler: requireObservatory(deps, 'admin') },
    async (request, reply) => {
      const municipality = municipalityByIstat((request.params as { istat: string }).istat);
      if (!municipality)
        throw new DomainError('MunicipalityUnknown', 'not-found', 'Comune non trovato.');
      const { year, years } = yearAndProvince(request, deps.clock());
      const streams = [
        { title: 'Utenti del comune', streamId: municipalityStreamId(municipality.istatCode) },
        ...Array.from({ length: 12 }, (_, i) => addMonths(`${year}-01`, i)).map((month) => ({
          title: monthLabel(month),
          streamId: flowStreamId(municipality.istatCode, month),
        })),
      ];
      const sections = await Promise.all(
        streams.map(async ({ title, streamId }) => {
          const { events } = await deps.eventStore.readStream(streamId);
          return {
            title,
            rows: events.map((event) => ({
              at: event.metadata.occurredAt,
              what: describe({ type: event.type, data: event.data } as FlowEvent | OfficerEvent),
              who: event.metadata.actor.id,
              ip: event.metadata.clientIp,
            })),
          };
        }),
      );
      return reply.view('observatory/municipalityHistory', {
        title: `Storia di ${municipality.name}`,
        municipality,
        year,
        years,
        sections,
      });
    },
  );
}
