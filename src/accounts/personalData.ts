import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import type { CompanyDetails } from '../../domain/accounts/accountEvents.js';
import type { AccountRow } from '../../projections/accounts/accounts.js';
import type { AccountsDeps } from '../deps.js';
import { readState } from '../platform/eventStore/commandHandler.js';
import { eventsAbout, exportedEventsLimit, type ExportedEvent } from './personalDataEvents.js';
import {
  addressesOf,
  heldByOrganisation,
  mailsTo,
  organisationOf,
  refusalsOf,
  sessionsOf,
} from './personalDataRows.js';

/** How many sessions, refused sign-ins and mails one export lists at most, newest first. */
export const exportedRowsLimit = 1_000;

export const personalDataNote =
  'Questo file contiene ciò che il portale conserva su di te: i dati del tuo account (mai la ' +
  'password, che non è conservata in chiaro), l’organizzazione e le ditte per cui agisci, i ' +
  'contratti che gestisci o di cui sei titolare, le dichiarazioni inviate, le sessioni di accesso, ' +
  'gli accessi rifiutati, le comunicazioni inviate al tuo indirizzo (data, oggetto, stato; non gli ' +
  'allegati) e gli eventi del registro che ti riguardano: quelli del tuo account e dei tuoi accessi ' +
  'e quelli delle operazioni che hai compiuto, con i loro dati e metadati (chi, quando, da quale ' +
  'indirizzo IP). Dagli eventi sono tolti i segreti (impronte delle password, token) e l’indirizzo ' +
  'IP delle altre persone che vi compaiono (per esempio l’operatore che ha approvato la registrazione).';

export interface PersonalData {
  readonly format: 'dichiara-dati-personali/1';
  readonly extractedAt: string;
  readonly portal: 'Dichiara';
  /** The utility that runs the portal: the controller. */
  readonly controller: string;
  readonly note: string;
  /** Sections cut at their limit, and how; empty when the file is whole. */
  readonly cut: readonly string[];
  readonly account: {
    readonly accountId: string;
    readonly username: string;
    readonly fullName: string;
    readonly email: string;
    readonly pendingEmail: string | null;
    readonly phone: string | null;
    readonly role: string;
    readonly kind: string | null;
    readonly status: string;
    readonly registeredAt: string;
    readonly verifiedAt: string | null;
    readonly decidedAt: string | null;
    readonly mustChangePassword: boolean;
    readonly organisationId: string | null;
    readonly memberRole: string | null;
  };
  readonly organisation: {
    readonly organisationId: string;
    readonly name: string;
    readonly kind: string | null;
    readonly companies: readonly (CompanyDetails & { readonly customerCode: string })[];
  } | null;
  readonly contracts: readonly {
    readonly contractNumber: string;
    readonly customerCode: string;
    readonly companyName: string;
    readonly plantAddress: string;
    readonly status: string;
    readonly managed: boolean;
    readonly owned: boolean;
    readonly declaredAt: string;
  }[];
  readonly declarations: readonly {
    readonly year: number;
    readonly contractNumber: string;
    readonly companyName: string;
    readonly protocolNumber: string | null;
    readonly submittedAt: string;
    readonly late: boolean;
    readonly notificationEmail: string;
  }[];
  readonly sessions: readonly {
    readonly startedAt: string;
    readonly expiresAt: string;
    readonly endedAt: string | null;
    readonly clientIp: string | null;
    readonly userAgent: string | null;
  }[];
  readonly refusedSignIns: readonly {
    readonly at: string;
    readonly username: string;
    readonly outcome: string;
    readonly clientIp: string | null;
    readonly attempts: number;
    readonly unlockedAt: string | null;
  }[];
  readonly mails: readonly {
    readonly createdAt: string;
    readonly sentAt: string | null;
    readonly to: string;
    readonly subject: string;
    readonly status: string;
  }[];
  readonly events: readonly ExportedEvent[];
}

/**
 * Everything the portal holds about the logged-in person (GDPR art. 15 and 20), from the read
 * models and the log. Only this person's: their organisation's companies, contracts and filings
 * are what they act for; other people's addresses and secrets stay out (personalDataEvents.ts).
 */
export async function personalDataOf(
  deps: Pick<AccountsDeps, 'database' | 'eventStore' | 'config'>,
  account: AccountRow,
  now: Date,
): Promise<PersonalData> {
  const { db } = deps.database;
  const [{ state }, log, organisation, held] = await Promise.all([
    // The address waiting for confirmation is in no read model (as on «Modifica profilo»).
    readState(deps.eventStore, accountDecider, accountStream.id(account.accountId)),
    eventsAbout(db, deps.eventStore, account),
    organisationOf(db, account),
    heldByOrganisation(db, account.organisationId),
  ]);
  const own = log.events.filter((event) => event.streamId === accountStream.id(account.accountId));
  const limit = exportedRowsLimit;
  const [sessions, refusedSignIns, mails] = await Promise.all([
    sessionsOf(db, account.accountId, limit),
    refusalsOf(db, account.accountId, limit),
    mailsTo(db, addressesOf(account, own), limit),
  ]);
  const lists = { sessions, refusedSignIns, mails };
  return {
    format: 'dichiara-dati-personali/1',
    extractedAt: now.toISOString(),
    portal: 'Dichiara',
    controller: deps.config.UTILITY_NAME,
    note: personalDataNote,
    cut: [
      ...(log.capped ? [eventsCut] : []),
      ...Object.entries(lists).flatMap(([name, rows]) =>
        rows.length > limit ? [listCut(name)] : [],
      ),
    ],
    account: { ...accountPart(account), pendingEmail: state.pendingEmail?.email ?? null },
    organisation: organisation && organisationPart(organisation),
    ...held,
    sessions: sessions.slice(0, limit),
    refusedSignIns: refusedSignIns.slice(0, limit),
    mails: mails.slice(0, limit),
    events: log.events,
  };
}

const eventsCut = `events: tutti gli eventi dell’account; degli accessi e delle operazioni, solo i ${exportedEventsLimit} più recenti`;
const listCut = (name: string) => `${name}: solo i ${exportedRowsLimit} elementi più recenti`;

/** The account as the portal holds it: never its password hash. */
const accountPart = (account: AccountRow): Omit<PersonalData['account'], 'pendingEmail'> => ({
  accountId: account.accountId,
  username: account.username,
  fullName: account.fullName,
  email: account.email,
  phone: account.phone,
  role: account.role,
  kind: account.kind,
  status: account.status,
  registeredAt: account.registeredAt,
  verifiedAt: account.verifiedAt,
  decidedAt: account.decidedAt,
  mustChangePassword: account.mustChangePassword,
  organisationId: account.organisationId,
  memberRole: account.memberRole,
});

/** The organisation by the name the portal gives it, and its companies' identities. */
const organisationPart = (organisation: AccountRow): NonNullable<PersonalData['organisation']> => ({
  organisationId: organisation.accountId,
  // A Ditta by its company's name; a studio by its registrant (organisationNameOf).
  name:
    (organisation.kind === 'ditta' ? organisation.companies[0]?.name : null) ??
    organisation.fullName,
  kind: organisation.kind,
  companies: organisation.companies.map((company) => ({
    customerCode: company.customerCode,
    name: company.name,
    taxId: company.taxId,
    phone: company.phone,
    email: company.email,
    pec: company.pec,
  })),
});
