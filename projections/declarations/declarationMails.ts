import type { FastifyBaseLogger } from 'fastify';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import type { InclusionReceipt } from '../../domain/audit/treeHeads.js';
import type { CopyOfRecord } from '../../domain/declarations/declarationEvents.js';
import type { Correction } from '../../domain/declarations/correctDeclaration.js';
import {
  reviewOutcomeLabels,
  type ReviewOutcome,
} from '../../domain/declarations/reviewDeclaration.js';
import { formatDate } from '../../domain/shared/italianDate.js';
import { receiptFile } from '../../src/platform/transparency/publishedJson.js';
import type { Recorded, RecordedEvent } from '../../src/platform/eventStore/eventStore.js';
import { mailContent, type MailContent } from '../../src/platform/mail/mailContent.js';
import { enqueueMail } from '../../src/platform/mail/outbox.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';

/** The PDF's name in the mail and on download: the protocol number without its slash. */
export const copyOfRecordFilename = (protocolNumber: string): string =>
  `dichiarazione-${protocolNumber.replace('/', '-')}.pdf`;

/** The receipt of the signed log, as a file: beside the PDF, named the same way. */
export const logReceiptFilename = (protocolNumber: string): string =>
  `ricevuta-registro-${protocolNumber.replace('/', '-')}.json`;

/** A receipt to send: what the mail says, and the copy of record to attach by its hash. */
export interface DeclarationMail extends MailContent {
  readonly key: string;
  readonly to: string;
  readonly copyOfRecordSha256: string;
  readonly attachmentName: string;
  /** The evidence that the submission is in the signed log, attached as JSON (older copies: none). */
  readonly receipt: { readonly filename: string; readonly content: InclusionReceipt } | null;
}

/** The copy of record an event mails, and to whom. */
function mailedCopy(event: ContractEvent): {
  year: number;
  protocolNumber: string;
  copyOfRecord: CopyOfRecord;
  receipt?: InclusionReceipt;
  to: string;
  corrects?: Correction;
} | null {
  switch (event.type) {
    case 'CopyOfRecordStored':
      return { ...event.data, to: event.data.notificationEmail };
    case 'DeclarationProtocolled': {
      // With the copy only in events from the time when number and copy came in one step.
      const { copyOfRecord } = event.data;
      return copyOfRecord
        ? { ...event.data, copyOfRecord, to: event.data.notificationEmail }
        : null;
    }
    case 'CopyOfRecordResent':
      return event.data;
    default:
      return null;
  }
}

/**
 * The mail an event causes, if any: the receipt of a protocolled submission, or a copy asked for
 * again. Pure; the projection adds the PDF and queues it.
 */
export function declarationMail(
  recorded: RecordedEvent,
  publicUrl: string,
): DeclarationMail | null {
  if (!contractStream.holds(recorded)) return null;
  const mailed = mailedCopy(recorded);
  if (!mailed) return null;
  const { year, protocolNumber, copyOfRecord, receipt, to, corrects } = mailed;
  const contractNumber = contractStream.parse(recorded.streamId)!;
  const content = mailContent(
    `dichiarazione scarichi industriali ${year}, protocollo ${protocolNumber}`,
    [
      'Gentile utente,',
      `la dichiarazione degli scarichi industriali ${year} del contratto ${contractNumber} è stata ricevuta con il numero di protocollo ${protocolNumber}: citalo per qualsiasi comunicazione.`,
      ...(corrects
        ? [
            `È una rettifica: sostituisce la dichiarazione protocollo ${corrects.replaces} (motivo: «${corrects.reason}»).`,
          ]
        : []),
      'In allegato la copia stampabile della dichiarazione in formato PDF, conforme a quanto ricevuto.',
      ...(receipt
        ? [
            `In allegato anche la ricevuta del registro degli eventi (file JSON): conservala. Con la chiave pubblica del portale chiunque può verificare che la dichiarazione è iscritta nel registro e che il registro non è stato riscritto: ${publicUrl}/trasparenza`,
          ]
        : []),
      `${publicUrl}/dichiarazioni/${year}/${contractNumber}/risultato`,
    ],
  );
  return {
    ...content,
    key: `${recorded.metadata.eventId}:mail`,
    to,
    copyOfRecordSha256: copyOfRecord.sha256,
    attachmentName: copyOfRecordFilename(protocolNumber),
    receipt: receipt ? { filename: logReceiptFilename(protocolNumber), content: receipt } : null,
  };
}

const reviewSentences: Record<ReviewOutcome, string> = {
  accettata: 'è stata accettata',
  'integrazione-richiesta': 'richiede un’integrazione',
  respinta: 'è stata respinta',
};

/**
 * The mails of an outcome recorded by the utility, or of an acceptance it took back: one to each
 * address it names (the declaration's notification address, and the company's own when a
 * consultant filed).
 */
export function reviewMails(
  recorded: RecordedEvent,
  publicUrl: string,
): (MailContent & { key: string; to: string })[] {
  if (!contractStream.holds(recorded)) return [];
  const told = toldOf(recorded);
  if (!told) return [];
  const { year, protocolNumber } = recorded.data as { year: number; protocolNumber: string };
  const contractNumber = contractStream.parse(recorded.streamId)!;
  const content = mailContent(
    `dichiarazione ${year}, protocollo ${protocolNumber}: ${told.subject}`,
    [
      'Gentile utente,',
      `la dichiarazione degli scarichi industriali ${year} del contratto ${contractNumber} (protocollo ${protocolNumber}) ${told.sentence}.`,
      ...told.lines,
      `${publicUrl}/dichiarazioni/${year}/${contractNumber}/risultato`,
    ],
  );
  return told.notified.map((to, i) => ({
    ...content,
    key: `${recorded.metadata.eventId}:mail:${i}`,
    to,
  }));
}

/** What an outcome or a reopening tells, and to whom; null for any other event. */
function toldOf(recorded: Recorded<ContractEvent>) {
  if (recorded.type === 'DeclarationReviewed') {
    const { outcome, note, dueBy, notified } = recorded.data;
    return {
      subject: reviewOutcomeLabels[outcome].toLowerCase(),
      sentence: reviewSentences[outcome],
      lines: [
        ...(note ? [`Nota del gestore: ${note}`] : []),
        ...(dueBy
          ? [
              `L’integrazione va inviata entro il ${formatDate(dueBy)} come rettifica: chi gestisce il contratto la avvia dalla pagina della dichiarazione, con «Avvia la rettifica».`,
            ]
          : []),
      ],
      notified,
    };
  }
  if (recorded.type === 'DeclarationReopened' && recorded.data.notified) {
    return {
      subject: 'riaperta',
      sentence: 'è stata riaperta dal gestore: la sua accettazione è revocata',
      lines: [
        `Motivo della riapertura: ${recorded.data.reason}`,
        'Chi gestisce il contratto può ora rettificarla dalla pagina della dichiarazione, con «Avvia la rettifica».',
      ],
      notified: recorded.data.notified,
    };
  }
  return null;
}

/**
 * The receipt of a submission (and each copy asked for again): the protocol number and the copy
 * of record attached, to the notification address given with the declaration. The utility's
 * outcomes, without attachments.
 */
export function declarationMailsProjection(deps: {
  publicUrl: () => string;
  now: () => Date;
  logger: Pick<FastifyBaseLogger, 'warn'>;
}): Projection {
  return {
    name: 'declaration_mails',
    reactor: true,
    follows: contractStream.holds,
    async apply(trx, events) {
      for (const recorded of events) {
        for (const mail of reviewMails(recorded, deps.publicUrl()))
          await enqueueMail(trx, mail, deps.now());
        const mail = declarationMail(recorded, deps.publicUrl());
        if (!mail) continue;
        const pdf = await trx
          .selectFrom('documents')
          .select('content')
          .where('sha256', '=', mail.copyOfRecordSha256)
          .executeTakeFirst();
        if (!pdf) {
          // Not sent without its copy, nor sent later by itself: said, and the others go on.
          deps.logger.warn(
            { eventId: recorded.metadata.eventId, sha256: mail.copyOfRecordSha256 },
            'Receipt not mailed: its copy of record is missing from the documents',
          );
          continue;
        }
        await enqueueMail(
          trx,
          {
            key: mail.key,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            attachments: [
              {
                filename: mail.attachmentName,
                contentType: 'application/pdf',
                content: pdf.content,
              },
              ...(mail.receipt ? [receiptFile(mail.receipt.content, mail.receipt.filename)] : []),
            ],
          },
          deps.now(),
        );
      }
    },
    tables: [],
  };
}
