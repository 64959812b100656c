import type { Transaction } from 'kysely';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import { plantAddress } from '../../domain/contracts/changePlantAddress.js';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import { validatedWithRegistration } from '../../domain/contracts/declareContract.js';
import type { Schema } from '../../src/platform/db/schema.js';
import { enqueueMail } from '../../src/platform/mail/outbox.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';
import { mailContent, type MailContent } from '../../src/platform/mail/mailContent.js';

/**
 * Tells people what happened to their contracts: the operator's decision on a new one, and the
 * other side of a hand-over. Keeps each contract's manager itself; keyed by event id, sent once.
 */
export function contractMailsProjection(deps: {
  publicUrl: () => string;
  now: () => Date;
}): Projection {
  return {
    name: 'contract_mails',
    reactor: true,
    follows: contractStream.holds,
    async apply(trx, events) {
      for (const recorded of events) {
        if (!contractStream.holds(recorded)) continue;
        const contractNumber = contractStream.parse(recorded.streamId)!;
        const event = recorded;
        const manager = await trx
          .selectFrom('contract_mail_managers')
          .select('manager_id')
          .where('contract_number', '=', contractNumber)
          .executeTakeFirst();
        const to = addressee(event, manager?.manager_id ?? null);
        await rememberManager(trx, contractNumber, event, manager?.manager_id ?? null);
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
    tables: ['contract_mail_managers'],
  };
}

function addressee(event: ContractEvent, managerId: string | null): string | null {
  switch (event.type) {
    case 'ContractValidated':
      return event.data.note === validatedWithRegistration ? null : managerId;
    case 'ContractOwnershipValidated':
      return event.data.note === validatedWithRegistration ? null : event.data.ownerAccountId;
    case 'ContractRejected':
    case 'ContractDelegationDeclined':
      return managerId;
    case 'ContractOwnershipRejected':
      return event.data.ownerAccountId;
    case 'ContractClaimed':
    case 'ContractDelegationAccepted':
      return event.data.previousManagerId;
    case 'ContractReleased':
      return event.data.managerId;
    case 'ContractDelegationOffered':
    case 'ContractDelegationWithdrawn':
      return event.data.toAccountId;
    case 'ContractNumberChanged':
    case 'ContractNumberChangeRejected':
    case 'PlantAddressChanged':
    case 'PlantAddressChangeRejected':
      return event.data.requestedBy;
    default:
      return null;
  }
}

async function rememberManager(
  trx: Transaction<Schema>,
  contractNumber: string,
  event: ContractEvent,
  current: string | null,
): Promise<void> {
  const next =
    event.type === 'ContractDeclared'
      ? event.data.declaredBy.accountId
      : event.type === 'ContractRenumbered'
        ? event.data.managerId
        : event.type === 'ContractClaimed' ||
            event.type === 'ContractReleased' ||
            event.type === 'ContractDelegationAccepted'
          ? event.data.managerId
          : current;
  const starts = event.type === 'ContractDeclared' || event.type === 'ContractRenumbered';
  if (next === current && !starts) return;
  await trx
    .insertInto('contract_mail_managers')
    .values({ contract_number: contractNumber, manager_id: next })
    .onConflict((oc) => oc.column('contract_number').doUpdateSet({ manager_id: next }))
    .execute();
}

function message(
  event: ContractEvent,
  contractNumber: string,
  fullName: string,
  link: string,
): MailContent | null {
  const hello = `Gentile ${fullName},`;
  switch (event.type) {
    case 'ContractValidated':
      return mailContent(`contratto ${contractNumber} convalidato`, [
        hello,
        `gli operatori hanno convalidato il contratto di scarico ${contractNumber}: ora puoi caricarne la dichiarazione.`,
        link,
      ]);
    case 'ContractRejected':
      return mailContent(`contratto ${contractNumber} non convalidato`, [
        hello,
        `gli operatori non hanno convalidato il contratto di scarico ${contractNumber} per il seguente motivo:`,
        event.data.reason,
        link,
      ]);
    case 'ContractClaimed':
      return mailContent(`contratto ${contractNumber} preso in gestione dalla ditta`, [
        hello,
        `la ditta intestataria ha preso in gestione le dichiarazioni del contratto di scarico ${contractNumber}.`,
        'Da ora non puoi più inviare dichiarazioni per questo contratto; quelle che hai già inviato restano consultabili.',
        link,
      ]);
    case 'ContractReleased':
      return mailContent(`contratto ${contractNumber} rilasciato dal consulente`, [
        hello,
        `il consulente ha rilasciato il contratto di scarico ${contractNumber}: da ora le dichiarazioni sono gestite dalla ditta.`,
        link,
      ]);
    case 'ContractOwnershipValidated':
      return mailContent(`intestazione del contratto ${contractNumber} convalidata`, [
        hello,
        `gli operatori hanno confermato che il contratto di scarico ${contractNumber} è della tua ditta: ora puoi consultarlo e, con «Gestisci contratto», prenderne la gestione.`,
        link,
      ]);
    case 'ContractOwnershipRejected':
      return mailContent(`intestazione del contratto ${contractNumber} non convalidata`, [
        hello,
        `gli operatori non hanno confermato l'intestazione alla tua ditta del contratto di scarico ${contractNumber} per il seguente motivo:`,
        event.data.reason,
        link,
      ]);
    case 'ContractDelegationOffered':
      return mailContent(`affidamento del contratto ${contractNumber}`, [
        hello,
        `la ditta intestataria ti affida la gestione delle dichiarazioni del contratto di scarico ${contractNumber}. Puoi accettare o rifiutare dalla pagina dei contratti:`,
        link,
      ]);
    case 'ContractDelegationAccepted':
      return mailContent(`affidamento del contratto ${contractNumber} accettato`, [
        hello,
        `il consulente ha accettato la gestione delle dichiarazioni del contratto di scarico ${contractNumber}: da ora le invia lui; la ditta può riprenderla con «Gestisci contratto».`,
        link,
      ]);
    case 'ContractDelegationDeclined':
      return mailContent(`affidamento del contratto ${contractNumber} rifiutato`, [
        hello,
        `il consulente ha rifiutato la gestione delle dichiarazioni del contratto di scarico ${contractNumber}: la ditta continua a gestirlo.`,
        link,
      ]);
    case 'ContractDelegationWithdrawn':
      return mailContent(`affidamento del contratto ${contractNumber} ritirato`, [
        hello,
        `la ditta intestataria ha ritirato l'affidamento della gestione del contratto di scarico ${contractNumber}: non serve più rispondere.`,
        link,
      ]);
    case 'ContractNumberChanged':
      return mailContent(`numero del contratto ${contractNumber} cambiato`, [
        hello,
        `gli operatori hanno convalidato il cambio del numero del contratto di scarico ${contractNumber} in ${event.data.newContractNumber}: le prossime dichiarazioni si caricano con il nuovo numero.`,
        link,
      ]);
    case 'ContractNumberChangeRejected':
      return mailContent(`cambio del numero del contratto ${contractNumber} non convalidato`, [
        hello,
        `gli operatori non hanno convalidato il cambio del numero del contratto di scarico ${contractNumber} in ${event.data.newContractNumber} per il seguente motivo:`,
        event.data.reason,
        link,
      ]);
    case 'PlantAddressChanged':
      return mailContent(
        `indirizzo dello stabilimento del contratto ${contractNumber} convalidato`,
        [
          hello,
          `gli operatori hanno convalidato il nuovo indirizzo dello stabilimento del contratto di scarico ${contractNumber}: ${plantAddress(event.data.plant)}.`,
          link,
        ],
      );
    case 'PlantAddressChangeRejected':
      return mailContent(
        `indirizzo dello stabilimento del contratto ${contractNumber} non convalidato`,
        [
          hello,
          `gli operatori non hanno convalidato il nuovo indirizzo dello stabilimento del contratto di scarico ${contractNumber} (${plantAddress(event.data.plant)}) per il seguente motivo:`,
          event.data.reason,
          'Resta in vigore l’indirizzo precedente.',
          link,
        ],
      );
    default:
      return null;
  }
}
