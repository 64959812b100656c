import type { Transaction } from 'kysely';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import type { Schema } from '../../src/db/schema.js';
import { mailContent } from '../../src/mail/mailContent.js';
import { enqueueMail } from '../../src/mail/outbox.js';
import type { Projection } from '../../src/projections/projection.js';

const prefix = 'contract-';

/** The PDF's name in the mail and on download: the protocol number without its slash. */
export const copyOfRecordFilename = (protocolNumber: string): string =>
  `dichiarazione-${protocolNumber.replace('/', '-')}.pdf`;

/**
 * The receipt of a submission (and each copy asked for again): the protocol number and the copy
 * of record attached, to the notification address given with the declaration.
 */
export function declarationMailsProjection(deps: {
  publicUrl: () => string;
  now: () => Date;
}): Projection {
  return {
    name: 'declaration_mails',
    async apply(trx, events) {
      for (const recorded of events) {
        if (!recorded.streamId.startsWith(prefix)) continue;
        const event = recorded as unknown as ContractEvent;
        if (event.type !== 'DeclarationProtocolled' && event.type !== 'CopyOfRecordResent')
          continue;
        const contractNumber = recorded.streamId.slice(prefix.length);
        const { year, protocolNumber, copyOfRecord } = event.data;
        const to =
          event.type === 'DeclarationProtocolled' ? event.data.notificationEmail : event.data.to;
        const pdf = await trx
          .selectFrom('documents')
          .select('content')
          .where('sha256', '=', copyOfRecord.sha256)
          .executeTakeFirstOrThrow();
        const content = mailContent(
          `dichiarazione scarichi industriali ${year}, protocollo ${protocolNumber}`,
          [
            'Gentile utente,',
            `la dichiarazione degli scarichi industriali ${year} del contratto ${contractNumber} è stata ricevuta con il numero di protocollo ${protocolNumber}: citalo per qualsiasi comunicazione.`,
            'In allegato la copia stampabile della dichiarazione in formato PDF, conforme a quanto ricevuto.',
            `${deps.publicUrl()}/dichiarazioni/${year}/${contractNumber}/risultato`,
          ],
        );
        await enqueueMail(
          trx,
          {
            key: `${recorded.metadata.eventId}:mail`,
            to,
            ...content,
            attachments: [
              {
                filename: copyOfRecordFilename(protocolNumber),
                contentType: 'application/pdf',
                content: pdf.content,
              },
            ],
          },
          deps.now(),
        );
      }
    },
    async reset(_trx: Transaction<Schema>) {
      // Sent mail cannot be unsent; the outbox keys make the replay a no-op.
    },
  };
}
