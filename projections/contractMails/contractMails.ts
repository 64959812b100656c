import type { Transaction } from 'kysely';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import type { Schema } from '../../src/db/schema.js';
import { enqueueMail } from '../../src/mail/outbox.js';
import type { Projection } from '../../src/projections/projection.js';
import { mailContent, type MailContent } from '../accountMails/accountMessages.js';

const prefix = 'contract-';

/**
 * Tells the other side of a hand-over: the consultant when the company takes its contract over,
 * the company when the consultant gives it back. Keyed by event id: sent once.
 */
export function contractMailsProjection(deps: {
  publicUrl: () => string;
  now: () => Date;
}): Projection {
  return {
    name: 'contract_mails',
    async apply(trx, events) {
      for (const recorded of events) {
        if (!recorded.streamId.startsWith(prefix)) continue;
        const contractNumber = recorded.streamId.slice(prefix.length);
        const event = recorded as unknown as ContractEvent;
        const to =
          event.type === 'ContractClaimed'
            ? event.data.previousManagerId
            : event.type === 'ContractReleased'
              ? event.data.managerId
              : null;
        if (!to) continue;
        const recipient = await trx
          .selectFrom('mail_recipients')
          .selectAll()
          .where('account_id', '=', to)
          .executeTakeFirst();
        if (!recipient) continue;
        const content = message(
          event,
          contractNumber,
          recipient.full_name,
          `${deps.publicUrl()}/contratti`,
        );
        if (content)
          await enqueueMail(
            trx,
            { key: `${recorded.metadata.eventId}:mail`, to: recipient.email, ...content },
            deps.now(),
          );
      }
    },
    async reset(_trx: Transaction<Schema>) {
      // Sent mail cannot be unsent; the outbox keys make the replay a no-op.
    },
  };
}

function message(
  event: ContractEvent,
  contractNumber: string,
  fullName: string,
  link: string,
): MailContent | null {
  switch (event.type) {
    case 'ContractClaimed':
      return mailContent(`contratto ${contractNumber} preso in gestione dalla ditta`, [
        `Gentile ${fullName},`,
        `la ditta intestataria ha preso in gestione le dichiarazioni del contratto di scarico ${contractNumber}.`,
        'Da ora non puoi più inviare dichiarazioni per questo contratto; quelle che hai già inviato restano consultabili.',
        link,
      ]);
    case 'ContractReleased':
      return mailContent(`contratto ${contractNumber} rilasciato dal consulente`, [
        `Gentile ${fullName},`,
        `il consulente ha rilasciato il contratto di scarico ${contractNumber}: da ora le dichiarazioni sono gestite dalla ditta.`,
        link,
      ]);
    default:
      return null;
  }
}
