import type { Transaction } from 'kysely';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import { monthLabel } from '../../domain/observatory/months.js';
import {
  isMandateEvent,
  type MandateEvent,
} from '../../domain/observatory/municipalityMandates.js';
import {
  municipalityStream,
  type OfficerEvent,
} from '../../domain/observatory/municipalityOfficer.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { ratePercent } from '../../domain/observatory/reference/separateCollection.js';
import type { YearEvent } from '../../domain/observatory/yearEvents.js';
import { monthList } from '../../domain/observatory/yearValidation.js';
import { yearStream } from '../../domain/observatory/yearValidationDecider.js';
import type { Schema } from '../../src/platform/db/schema.js';
import { mailContent, type MailContent } from '../../src/platform/mail/mailContent.js';
import { enqueueMail } from '../../src/platform/mail/outbox.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';

const percent = (rate: number) => `${ratePercent(rate)}%`;
const tonnes = (kg: number) =>
  (kg / 1000).toLocaleString('it-IT', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/** What the Region decided on the municipality's year: the mail's subject and paragraphs. */
function yearMail(event: YearEvent, publicUrl: string): MailContent {
  const { istatCode, year } = event.data;
  const name = municipalityByIstat(istatCode)?.name ?? `ISTAT ${istatCode}`;
  if (event.type === 'YearValidated') {
    const { data } = event;
    return mailContent(`anno ${year} validato dalla Regione`, [
      'Gentile referente,',
      `la Regione ha validato i flussi dei rifiuti urbani del ${year} del Comune di ${name}. Raccolta differenziata certificata: ${percent(data.certifiedRate)} (differenziata ${tonnes(data.separateKg)} t, indifferenziata ${tonnes(data.unsortedKg)} t, escluse dal calcolo ${tonnes(data.neutralKg)} t).`,
      'La percentuale certificata è pubblicata nei dati aperti accanto a quella provvisoria.',
      `${publicUrl}/osservatorio/comune?anno=${year}`,
    ]);
  }
  const { data } = event;
  return mailContent(`anno ${year} rinviato dalla Regione con osservazioni`, [
    'Gentile referente,',
    `la Regione ha rinviato i flussi dei rifiuti urbani del ${year} del Comune di ${name} con le seguenti osservazioni:`,
    data.remarks,
    `Mesi da correggere e inviare di nuovo: ${monthList(data.months)}. Sono già sbloccati: ogni versione inviata resta consultabile.`,
    ...(data.withdrawnCertification
      ? [
          `La validazione dell’anno (raccolta differenziata certificata ${percent(data.withdrawnCertification.certifiedRate)}) è ritirata finché la Regione non lo valida di nuovo.`,
        ]
      : []),
    ...data.months.map((month) => `${publicUrl}/osservatorio/comune/${month}`),
  ]);
}

/** To the collector's person a municipality delegated its filing to: what, until when, how; or its end. */
function delegationMail(
  event: Extract<MandateEvent, { type: 'FilingDelegated' | 'FilingDelegationRevoked' }>,
  publicUrl: string,
): MailContent {
  const name = municipalityByIstat(event.data.istatCode)?.name ?? `ISTAT ${event.data.istatCode}`;
  if (event.type === 'FilingDelegationRevoked') {
    return mailContent(`delega del Comune di ${name} revocata`, [
      'Gentile referente,',
      `il Comune di ${name} ha revocato la delega alla compilazione dei flussi mensili dei rifiuti urbani: da ora non puoi più compilare né inviare i suoi mesi. Quanto hai già inviato resta registrato a tuo nome.`,
      `Motivo: ${event.data.reason}`,
    ]);
  }
  const { data } = event;
  return mailContent(`delega alla compilazione dei flussi del Comune di ${name}`, [
    'Gentile referente,',
    `il Comune di ${name} ti ha delegato, per ${data.collector}, la compilazione e l’invio dei flussi mensili dei rifiuti urbani da ${monthLabel(data.fromMonth)} a ${monthLabel(data.toMonth)}.`,
    'Accedi con SPID (livello 2) o CIE intestati al tuo codice fiscale: potrai compilare, importare da file e inviare i mesi del periodo. Gli sblocchi dei mesi inviati restano del comune, che può revocare la delega in ogni momento.',
    `${publicUrl}/osservatorio/accesso`,
  ]);
}

/**
 * Tells the municipality's officer what an admin decided on an unlock request or a year, and a
 * collector's person the delegation it received.
 */
export function observatoryMailsProjection(deps: {
  publicUrl: () => string;
  now: () => Date;
}): Projection {
  return {
    name: 'observatory_mails',
    reactor: true,
    follows: (event) =>
      municipalityStream.holds(event) ||
      yearStream.holds(event) ||
      event.type === 'MonthlyFlowUnlocked' ||
      event.type === 'FlowUnlockRejected',
    async apply(trx, events) {
      for (const recorded of events) {
        if (municipalityStream.holds(recorded)) {
          if (!isMandateEvent(recorded)) await rememberOfficer(trx, recorded);
          else if (
            recorded.type === 'FilingDelegated' ||
            recorded.type === 'FilingDelegationRevoked'
          ) {
            const key = `${recorded.metadata.eventId}:mail`;
            const content = delegationMail(recorded, deps.publicUrl());
            await enqueueMail(trx, { key, to: recorded.data.email, ...content }, deps.now());
          }
          continue;
        }
        if (yearStream.holds(recorded)) {
          const officer = await officerOf(trx, recorded.data.istatCode);
          if (!officer) continue;
          const content = yearMail(recorded, deps.publicUrl());
          const key = `${recorded.metadata.eventId}:mail`;
          await enqueueMail(trx, { key, to: officer.email, ...content }, deps.now());
          continue;
        }
        if (!flowStream.holds(recorded)) continue;
        const event = recorded;
        if (event.type !== 'MonthlyFlowUnlocked' && event.type !== 'FlowUnlockRejected') continue;
        const officer = await officerOf(trx, event.data.istatCode);
        if (!officer) continue;
        const month = monthLabel(event.data.month);
        const link = `${deps.publicUrl()}/osservatorio/comune/${event.data.month}`;
        const content =
          event.type === 'MonthlyFlowUnlocked'
            ? mailContent(`sblocco di ${month} approvato`, [
                'Gentile referente,',
                `la richiesta di sblocco dei flussi di ${month} è stata approvata: puoi correggere i dati e inviare di nuovo il mese. Ogni versione inviata resta consultabile.`,
                ...(event.data.note ? [`Nota dell'amministratore: ${event.data.note}`] : []),
                link,
              ])
            : mailContent(`sblocco di ${month} non approvato`, [
                'Gentile referente,',
                `la richiesta di sblocco dei flussi di ${month} non è stata approvata per il seguente motivo:`,
                event.data.reason,
                link,
              ]);
        await enqueueMail(
          trx,
          { key: `${recorded.metadata.eventId}:mail`, to: officer.email, ...content },
          deps.now(),
        );
      }
    },
    tables: ['observatory_mail_officers'],
  };
}

const officerOf = (trx: Transaction<Schema>, istatCode: string) =>
  trx
    .selectFrom('observatory_mail_officers')
    .select('email')
    .where('istat_code', '=', istatCode)
    .executeTakeFirst();

/** The address unlock decisions go to: the municipality's user's, as it changes. */
async function rememberOfficer(
  trx: Transaction<Schema>,
  event: Exclude<OfficerEvent, MandateEvent>,
): Promise<void> {
  const istatCode = event.data.istatCode;
  if (event.type === 'OfficerAssignmentEnded') {
    await trx.deleteFrom('observatory_mail_officers').where('istat_code', '=', istatCode).execute();
    return;
  }
  const values = { istat_code: istatCode, email: event.data.email };
  await trx
    .insertInto('observatory_mail_officers')
    .values(values)
    .onConflict((oc) => oc.column('istat_code').doUpdateSet(values))
    .execute();
}
