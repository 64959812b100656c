import type { Transaction } from 'kysely';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import { monthLabel } from '../../domain/observatory/months.js';
import {
  municipalityStream,
  type OfficerEvent,
} from '../../domain/observatory/municipalityOfficer.js';
import type { Schema } from '../../src/platform/db/schema.js';
import { mailContent } from '../../src/platform/mail/mailContent.js';
import { enqueueMail } from '../../src/platform/mail/outbox.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';

/** Tells the municipality's officer what an admin decided on an unlock request. */
export function observatoryMailsProjection(deps: {
  publicUrl: () => string;
  now: () => Date;
}): Projection {
  return {
    name: 'observatory_mails',
    async apply(trx, events) {
      for (const recorded of events) {
        if (municipalityStream.holds(recorded)) {
          await rememberOfficer(trx, recorded);
          continue;
        }
        if (!flowStream.holds(recorded)) continue;
        const event = recorded;
        if (event.type !== 'MonthlyFlowUnlocked' && event.type !== 'FlowUnlockRejected') continue;
        const officer = await trx
          .selectFrom('observatory_mail_officers')
          .select('email')
          .where('istat_code', '=', event.data.istatCode)
          .executeTakeFirst();
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
    async reset(trx: Transaction<Schema>) {
      // Sent mail cannot be unsent; the outbox keys make the replay a no-op.
      await trx.deleteFrom('observatory_mail_officers').execute();
    },
  };
}

/** The address unlock decisions go to: the municipality's user's, as it changes. */
async function rememberOfficer(trx: Transaction<Schema>, event: OfficerEvent): Promise<void> {
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
