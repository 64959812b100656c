import { monthLabel } from '../../domain/observatory/months.js';
import {
  reminderStream,
  type Reminder,
  type ReminderAbout,
} from '../../domain/reminders/reminderEvents.js';
import { formatDate } from '../../domain/shared/italianDate.js';
import { mailContent } from '../../src/platform/mail/mailContent.js';
import { enqueueMail } from '../../src/platform/mail/outbox.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';

export interface ReminderMailDeps {
  readonly publicUrl: () => string;
  readonly now: () => Date;
  /** The link that stops a subject's optional reminders, without logging in. */
  readonly stopLink: (subject: string) => string;
}

type DeclarationAbout = Extract<ReminderAbout, { area: 'declarations' }>;
type FlowAbout = Extract<ReminderAbout, { area: 'observatory' }>;

const daysLeftText = (days: number) =>
  days === 0 ? 'scade oggi' : days === 1 ? 'manca 1 giorno' : `mancano ${days} giorni`;

function declarationText(about: DeclarationAbout, link: string): [string, string[]] {
  const what = `la dichiarazione ${about.year} degli scarichi del contratto ${about.contractNumber} (${about.companyName})`;
  const deadline = formatDate(about.deadline);
  switch (about.kind) {
    case 'campaign-opened':
      return [
        `campagna ${about.year} aperta: contratto ${about.contractNumber}`,
        [
          `è aperta la campagna delle dichiarazioni degli scarichi industriali per l'anno ${about.year}.`,
          `Va inviata ${what} entro il ${deadline}.`,
          `Compila e invia la dichiarazione da qui: ${link}`,
        ],
      ];
    case 'before-deadline':
      return [
        `promemoria: la dichiarazione ${about.year} del contratto ${about.contractNumber} scade il ${deadline}`,
        [
          `non risulta ancora inviata ${what}.`,
          `La scadenza è il ${deadline}: ${daysLeftText(about.daysLeft)}.`,
          `Compila e invia la dichiarazione da qui: ${link}`,
        ],
      ];
    case 'overdue':
      return [
        `dichiarazione ${about.year} del contratto ${about.contractNumber} non inviata`,
        [
          `il termine del ${deadline} è scaduto e non risulta inviata ${what}.`,
          'Inviala al più presto: una dichiarazione inviata oltre il termine è registrata come tardiva.',
          `Compila e invia la dichiarazione da qui: ${link}`,
        ],
      ];
  }
}

function flowText(about: FlowAbout, link: string): [string, string[]] {
  const month = monthLabel(about.month);
  const due = formatDate(about.dueDate);
  const where = `del Comune di ${about.municipality}`;
  switch (about.kind) {
    case 'month-ended':
      return [
        `flussi di ${month}: da comunicare entro il ${due}`,
        [
          `è terminato il mese di ${month}: i dati dei flussi dei rifiuti urbani ${where} vanno comunicati entro il ${due}.`,
          `Compila il mese da qui: ${link}`,
        ],
      ];
    case 'month-due-soon':
      return [
        `promemoria: flussi di ${month} da inviare entro il ${due}`,
        [
          `i dati dei flussi di ${month} ${where} non risultano ancora inviati: la scadenza è il ${due}.`,
          `Compila e invia il mese da qui: ${link}`,
        ],
      ];
    case 'month-late':
      return [
        `flussi di ${month} non inviati entro il ${due}`,
        [
          `il termine del ${due} è scaduto e i dati dei flussi di ${month} ${where} non risultano inviati.`,
          'Inviali al più presto: oltre 30 giorni di ritardo incidono sui finanziamenti regionali.',
          `Compila e invia il mese da qui: ${link}`,
        ],
      ];
  }
}

/** The mail of a reminder to one of its recipients. */
export function reminderMail(reminder: Reminder, subject: string, deps: ReminderMailDeps) {
  const { about } = reminder;
  const [title, body] =
    about.area === 'declarations'
      ? declarationText(about, `${deps.publicUrl()}/dichiarazioni`)
      : flowText(about, `${deps.publicUrl()}/osservatorio/comune/${about.month}`);
  const greeting = about.area === 'declarations' ? 'Gentile cliente,' : 'Gentile referente,';
  const choice = reminder.optional
    ? `Non vuoi più ricevere i promemoria facoltativi? Disattivali con un clic: ${deps.stopLink(subject)}`
    : 'Questa comunicazione di servizio viene inviata anche a chi ha disattivato i promemoria facoltativi.';
  return mailContent(title, [greeting, ...body, choice]);
}

/** Sends each reminder recorded, once per recipient: the outbox key is the event's. */
export function reminderMailsProjection(deps: ReminderMailDeps): Projection {
  return {
    name: 'reminder_mails',
    reactor: true,
    follows: reminderStream.holds,
    async apply(trx, events) {
      for (const event of events) {
        if (!reminderStream.holds(event)) continue;
        for (const [index, recipient] of event.data.recipients.entries()) {
          await enqueueMail(
            trx,
            {
              key: `${event.metadata.eventId}:mail:${index}`,
              to: recipient.email,
              ...reminderMail(event.data, recipient.subject, deps),
              ...(event.data.optional ? { unsubscribeUrl: deps.stopLink(recipient.subject) } : {}),
            },
            deps.now(),
          );
        }
      }
    },
    // Sent mail cannot be unsent; the outbox keys make the replay a no-op.
    tables: [],
  };
}
