import type { FastifyInstance } from 'fastify';
import type { FlowEvent } from '../../domain/observatory/flowEvents.js';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import { formatDate } from '../../domain/shared/italianDate.js';
import { addMonths, monthLabel } from '../../domain/observatory/months.js';
import {
  municipalityStream,
  type OfficerEvent,
} from '../../domain/observatory/municipalityOfficer.js';
import {
  municipalityByIstat,
  type Municipality,
} from '../../domain/observatory/reference/municipalities.js';
import { ratePercent } from '../../domain/observatory/reference/separateCollection.js';
import type { YearEvent } from '../../domain/observatory/yearEvents.js';
import { monthList } from '../../domain/observatory/yearValidation.js';
import { yearStream } from '../../domain/observatory/yearValidationDecider.js';
import type { ObservatoryDeps } from '../deps.js';
import type { Recorded, RecordedEvent } from '../platform/eventStore/eventStore.js';
import { paramsOf } from '../platform/http/command.js';
import { officerParams } from './adminForms.schema.js';
import { monthParam, submittedVersion, versionNumber } from './flowVersions.js';
import { flowChoices } from './flowForm.js';
import { yearAndProvince } from './openData.route.js';
import { requireObservatory } from './observatoryAccess.js';

/** The page shows the municipality's stream, its months' and its year's, nothing else. */
const ofTheMunicipality = (
  event: RecordedEvent,
): event is Recorded<FlowEvent | OfficerEvent | YearEvent> =>
  flowStream.holds(event) || municipalityStream.holds(event) || yearStream.holds(event);

const percent = (rate: number) => `${ratePercent(rate)}%`;

const describe = (event: FlowEvent | OfficerEvent | YearEvent): string => {
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
    case 'MonthlyFlowReturned':
      return `Rinviato dalla Regione con osservazioni: «${event.data.remarks}»`;
    case 'YearValidated':
      return `Anno validato: raccolta differenziata certificata ${percent(event.data.certifiedRate)}`;
    case 'YearSentBack':
      return `Anno rinviato con osservazioni (${monthList(event.data.months)}): «${event.data.remarks}»${event.data.withdrawnCertification ? `; ritirata la validazione (${percent(event.data.withdrawnCertification.certifiedRate)})` : ''}`;
    case 'OfficerAssigned':
      return `Associato l'utente ${event.data.fiscalCode} (${event.data.email})${event.data.reason ? `: ${event.data.reason}` : ''}`;
    case 'OfficerAssignmentEnded':
      return `Chiusa l'associazione di ${event.data.fiscalCode}: ${event.data.reason}`;
    case 'OfficerEmailChanged':
      return `E-mail di ${event.data.fiscalCode} cambiata da ${event.data.previousEmail} a ${event.data.email}: ${event.data.reason}`;
    case 'SecondUserAuthorised':
      return `Autorizzato il secondo utente ${event.data.fiscalCode} (${event.data.email}) fino al ${formatDate(event.data.expiresOn)}, documento ${event.data.documentReference}: ${event.data.reason}`;
    case 'SecondUserAuthorisationEnded':
      return `Chiusa l'autorizzazione di ${event.data.fiscalCode}: ${event.data.reason}`;
    case 'FilingDelegated':
      return `Delegata la compilazione a ${event.data.fiscalCode} (${event.data.collector}, ${event.data.email}) da ${monthLabel(event.data.fromMonth)} a ${monthLabel(event.data.toMonth)}`;
    case 'FilingDelegationRevoked':
      return `Revocata la delega di ${event.data.fiscalCode}: ${event.data.reason}`;
  }
};

// officerParams refuses a code that is no municipality of Apulia: a 404.
const versionParams = officerParams.extend({ mese: monthParam, versione: versionNumber });
const municipalityOf = (istat: string): Municipality => municipalityByIstat(istat)!;

/** A municipality's history for the admin: its users, every event of each month, every version. */
export function municipalityHistoryRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  const adminsOnly = { preHandler: requireObservatory(deps, 'admin') };

  app.get('/admin/comuni/:istat', adminsOnly, async (request, reply) => {
    const municipality = municipalityOf(paramsOf(officerParams, request).istat);
    const { year, years } = yearAndProvince(request, deps.clock());
    const base = `/osservatorio/admin/comuni/${municipality.istatCode}`;
    const streams = [
      { title: 'Utenti del comune', streamId: municipalityStream.id(municipality.istatCode) },
      {
        title: `Validazione annuale ${year}`,
        streamId: yearStream.id(municipality.istatCode, year),
      },
      ...Array.from({ length: 12 }, (_, i) => addMonths(`${year}-01`, i)).map((month) => ({
        title: monthLabel(month),
        month,
        streamId: flowStream.id(municipality.istatCode, month),
      })),
    ];
    const sections = await Promise.all(
      streams.map(async ({ title, streamId, ...section }) => {
        const { events } = await deps.eventStore.readStream(streamId);
        return {
          title,
          rows: events.filter(ofTheMunicipality).map((event) => ({
            at: event.metadata.occurredAt,
            what: describe(event),
            // Each filed version can be read as it was sent.
            link:
              event.type === 'MonthlyFlowSubmitted' && 'month' in section
                ? `${base}/${section.month}/versioni/${event.data.version}`
                : null,
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
  });

  app.get('/admin/comuni/:istat/:mese/versioni/:versione', adminsOnly, async (request, reply) => {
    const { istat, mese: month, versione } = paramsOf(versionParams, request);
    const municipality = municipalityOf(istat);
    const version = await submittedVersion(
      deps.eventStore,
      municipality.istatCode,
      month,
      versione,
    );
    const history = `/osservatorio/admin/comuni/${municipality.istatCode}`;
    return reply.view('observatory/version', {
      title: `${municipality.name}: flussi di ${monthLabel(month)}, versione ${version.version}`,
      municipality,
      admin: true,
      crumbs: [
        { href: '/osservatorio/admin', label: 'Amministrazione' },
        { href: `${history}?anno=${month.slice(0, 4)}`, label: municipality.name },
      ],
      month,
      monthLabel: monthLabel(month),
      version,
      choices: flowChoices,
    });
  });
}
