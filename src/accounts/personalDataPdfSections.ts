import type { Content, Size, TableCell } from 'pdfmake/interfaces.js';
import { memberRoleLabels } from '../../domain/accounts/members.js';
import { eventTypeLabel } from '../audit/eventTypeLabels.js';
import { formatInteger, formatRomeDateTime } from '../declarations/pdf/italianFormat.js';
import { facts, heading, titledTable } from '../declarations/pdf/pdfBlocks.js';
import type { PersonalDataPdfInput } from './personalDataPdf.js';

/** The sections of «I miei dati personali» (personalDataPdf.ts), as tables in Italian. */

/**
 * Rows a table of the PDF lists at most, newest first: a reader's copy, not an archive (the JSON
 * holds every row). It also bounds the time the portal spends laying the document out.
 */
export const pdfRowsLimit = 300;

const roles: Record<string, string> = {
  declarant: 'Dichiarante',
  operator: 'Operatore del gestore',
  auditor: 'Revisore',
  admin: 'Amministratore del portale',
};
const kinds: Record<string, string> = {
  ditta: 'Ditta',
  studio: 'Studio tecnico/Consulente/Associazione',
};
const statuses: Record<string, string> = {
  unverified: 'e-mail da verificare',
  'awaiting-approval': 'in attesa di approvazione',
  active: 'attivo',
  rejected: 'respinto',
  closed: 'chiuso',
  pending: 'in attesa di convalida',
  validated: 'convalidato',
  renumbered: 'proseguito con un nuovo numero',
  sent: 'inviata',
  failed: 'non recapitata',
};
const refusals: Record<string, string> = {
  'wrong-password': 'password errata',
  'unknown-username': 'nome utente sconosciuto',
  'throttled-account': 'trattenuto: troppi tentativi sull’account',
  'throttled-address': 'trattenuto: troppi tentativi dall’indirizzo',
};

const label = (labels: Record<string, string>, value: string | null): string =>
  value === null ? '—' : (labels[value] ?? value);
const when = (instant: string | null): string => (instant ? formatRomeDateTime(instant) : '—');
const text = (value: string | null | undefined): TableCell => ({ text: value ?? '—' });
const yesNo = (value: boolean): string => (value ? 'sì' : 'no');

/** A list of rows with its columns, the newest `pdfRowsLimit` when there are more. */
function listed<Row>(
  title: string,
  columns: readonly string[],
  rows: readonly Row[],
  cells: (row: Row) => TableCell[],
  empty: string,
  widths: Size[] = columns.map((_, i) => (i === columns.length - 1 ? '*' : 'auto')),
): Content {
  const shown = rows.slice(0, pdfRowsLimit);
  return titledTable({
    title,
    caption:
      rows.length > shown.length
        ? `Sono elencati i ${formatInteger(shown.length)} più recenti su ${formatInteger(rows.length)}: il file JSON li contiene tutti.`
        : undefined,
    widths,
    columns,
    rows: shown.map(cells),
    empty,
  });
}

export function accountSection(data: PersonalDataPdfInput): Content {
  const { account } = data;
  return facts('Dati dell’account', [
    ['Nominativo', account.fullName],
    ['Nome utente', account.username],
    ['Indirizzo e-mail', account.email],
    ...(account.pendingEmail
      ? [['Nuovo indirizzo in attesa di conferma', account.pendingEmail] as const]
      : []),
    ['Telefono', account.phone ?? '—'],
    ['Profilo', label(roles, account.role)],
    ['Tipo', label(kinds, account.kind)],
    ['Stato', label(statuses, account.status)],
    ['Registrato il', when(account.registeredAt)],
    ['E-mail verificata il', when(account.verifiedAt)],
    ['Approvato il', when(account.decidedAt)],
    ['Ruolo nell’organizzazione', label(memberRoleLabels, account.memberRole)],
  ]);
}

export function organisationSection(data: PersonalDataPdfInput): Content[] {
  const { organisation } = data;
  if (!organisation)
    return [heading('Organizzazione e ditte'), { text: 'Nessuna: account del personale.' }];
  return [
    facts('Organizzazione e ditte', [
      ['Organizzazione', organisation.name],
      ['Tipo', label(kinds, organisation.kind)],
    ]),
    listed(
      'Ditte',
      ['Codice cliente', 'Ragione sociale', 'Partita IVA/C.F.', 'Telefono', 'E-mail e PEC'],
      organisation.companies,
      (c) => [
        text(c.customerCode),
        text(c.name),
        text(c.taxId),
        text(c.phone),
        text([c.email, c.pec].filter(Boolean).join(' · ') || null),
      ],
      'Nessuna ditta.',
    ),
  ];
}

export function recordSections(data: PersonalDataPdfInput): Content[] {
  return [
    listed(
      'Contratti',
      ['Numero', 'Ditta', 'Stato', 'Gestito', 'Titolare', 'Indirizzo dello stabilimento'],
      data.contracts,
      (c) => [
        text(c.contractNumber),
        text(c.companyName),
        text(label(statuses, c.status)),
        text(yesNo(c.managed)),
        text(yesNo(c.owned)),
        text(c.plantAddress),
      ],
      'Nessun contratto.',
    ),
    listed(
      'Dichiarazioni',
      ['Anno', 'Contratto', 'Ditta', 'Protocollo', 'Inviata il', 'Indirizzo di notifica'],
      data.declarations,
      (d) => [
        text(String(d.year)),
        text(d.contractNumber),
        text(d.companyName),
        text(d.protocolNumber),
        text(when(d.submittedAt)),
        text(d.notificationEmail),
      ],
      'Nessuna dichiarazione inviata.',
    ),
  ];
}

export function accessSections(data: PersonalDataPdfInput): Content[] {
  return [
    heading('Accessi'),
    listed(
      'Sessioni',
      ['Inizio', 'Fine', 'Scadenza', 'Indirizzo IP', 'Programma (user agent)'],
      data.sessions,
      (s) => [
        text(when(s.startedAt)),
        text(when(s.endedAt)),
        text(when(s.expiresAt)),
        text(s.clientIp),
        text(s.userAgent),
      ],
      'Nessuna sessione conservata.',
    ),
    listed(
      'Accessi rifiutati',
      ['Data', 'Nome utente', 'Indirizzo IP', 'Tentativi', 'Esito'],
      data.refusedSignIns,
      (r) => [
        text(when(r.at)),
        text(r.username),
        text(r.clientIp),
        text(formatInteger(r.attempts)),
        text(label(refusals, r.outcome)),
      ],
      'Nessun accesso rifiutato.',
    ),
    listed(
      'Comunicazioni inviate',
      ['Data', 'Destinatario', 'Stato', 'Oggetto'],
      data.mails,
      (m) => [
        text(when(m.sentAt ?? m.createdAt)),
        text(m.to),
        text(m.status === 'pending' ? 'in coda' : label(statuses, m.status)),
        text(m.subject),
      ],
      'Nessuna comunicazione.',
      ['auto', '*', 'auto', '*'],
    ),
  ];
}

export function eventsSection(data: PersonalDataPdfInput): Content {
  return listed(
    'Eventi del registro',
    ['Data', 'Evento', 'Registro (stream)'],
    [...data.events].reverse(),
    (e) => [text(when(e.occurredAt)), text(eventTypeLabel(e.type)), text(e.streamId)],
    'Nessun evento.',
    ['auto', '*', '*'],
  );
}
