import { formatRomeDateTime } from '../declarations/pdf/italianFormat.js';
import { facts } from '../declarations/pdf/pdfBlocks.js';
import { pageFooter, renderPdf } from '../declarations/pdf/pdfRenderer.js';
import { moduleBeside, offThread } from '../platform/documents/renderThread.js';
import type { PersonalData } from './personalData.js';
import type { ExportedEvent } from './personalDataEvents.js';
import {
  accessSections,
  accountSection,
  eventsSection,
  organisationSection,
  recordSections,
} from './personalDataPdfSections.js';

/** What the PDF shows of an export: of the events, when, what and where (their data is in the JSON). */
export type PersonalDataPdfInput = Omit<PersonalData, 'events'> & {
  readonly events: readonly Pick<ExportedEvent, 'streamId' | 'type' | 'occurredAt'>[];
};

/** «Scarica i miei dati», to read: the JSON's sections as tables, in Italian. */
export async function renderPersonalDataPdf(data: PersonalDataPdfInput): Promise<Buffer> {
  const title = 'I miei dati personali';
  const extracted = `Estrazione del ${formatRomeDateTime(data.extractedAt)} (ora italiana)`;
  return renderPdf(
    {
      content: [
        { text: title, style: 'title' },
        {
          text: `${data.account.fullName} · nome utente ${data.account.username}`,
          style: 'subtitle',
        },
        facts(undefined, [
          ['Estrazione', extracted],
          ['Portale', `${data.portal}, del gestore ${data.controller}`],
        ]),
        {
          text: `${data.note} Il file JSON, che puoi scaricare dalla stessa pagina del profilo, riporta tutto questo in forma leggibile da un programma (GDPR, artt. 15 e 20), con i dati di ogni evento.`,
          margin: [0, 0, 0, 4],
        },
        ...(data.cut.length > 0
          ? [
              {
                text: `Elenchi ridotti anche nel file JSON: ${data.cut.join('; ')}.`,
                style: 'small',
              },
            ]
          : []),
        accountSection(data),
        ...organisationSection(data),
        ...recordSections(data),
        ...accessSections(data),
        eventsSection(data),
      ],
      footer: pageFooter(`I miei dati · ${data.account.username} · ${extracted}`),
    },
    { title, subject: data.account.username, date: new Date(data.extractedAt) },
  );
}

/**
 * renderPersonalDataPdf on the render thread (src/platform/documents/renderThread.ts): a few
 * hundred rows take a few hundred milliseconds of CPU that no other request should wait for. The
 * events go without their data, which the PDF does not show, so the copy to the thread stays small.
 */
const onThread = offThread<PersonalDataPdfInput>(
  moduleBeside(import.meta.url, 'personalDataPdf'),
  'renderPersonalDataPdf',
);

export const renderPersonalDataPdfOffThread = (data: PersonalData): Promise<Buffer> =>
  onThread({
    ...data,
    events: data.events.map(({ streamId, type, occurredAt }) => ({ streamId, type, occurredAt })),
  });
