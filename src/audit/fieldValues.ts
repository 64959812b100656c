import { reminderKindLabels } from '../reminders/reminderLabels.js';
import { memberRoleLabels } from '../../domain/accounts/members.js';
import { reviewOutcomeLabels } from '../../domain/declarations/reviewDeclaration.js';
import { issueFileLabels } from '../declarations/fileLabels.js';

/*
 * What the values of the auditor's pages mean (fieldLabels.ts names the fields): the words for a
 * recorded choice, the fields whose value is an id of something with a name, and the objects
 * whose keys are data.
 */

/** The words recorded for a choice (a status, a kind), as a person reads them. */
export const valueLabels: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  status: {
    none: 'nessuno',
    unverified: 'e-mail da verificare',
    'awaiting-approval': 'in attesa di approvazione',
    active: 'attivo',
    pending: 'in attesa di validazione',
    validated: 'validato',
    rejected: 'respinto',
    closed: 'chiuso',
    renumbered: 'proseguito con un nuovo numero',
    empty: 'vuoto',
    draft: 'bozza',
    submitted: 'inviato',
    'unlock-requested': 'sblocco richiesto',
    unlocked: 'sbloccato',
  },
  kind: {
    ditta: 'Ditta',
    studio: 'Studio tecnico/Consulente/Associazione',
    acquedotto: 'acquedotto',
    pozzo: 'pozzo',
    derivazione: 'derivazione',
    altro: 'altro',
    ...reminderKindLabels,
  },
  role: {
    declarant: 'referente',
    operator: 'operatore',
    auditor: 'revisore',
    admin: 'amministratore',
    ...memberRoleLabels,
  },
  purpose: { registration: 'registrazione', 'password-reset': 'reimpostazione della password' },
  outcome: { ...reviewOutcomeLabels, failed: 'non riuscita', aborted: 'interrotta' },
  severity: { error: 'errore', warning: 'avviso' },
  file: issueFileLabels,
  scope: { account: 'nome utente', address: 'indirizzo IP', log: 'intero registro' },
  reason: { 'wrong-password': 'password errata', 'unknown-username': 'nome utente sconosciuto' },
  timeField: { occurredAt: 'ora in cui è avvenuto', recordedAt: 'ora di registrazione' },
  by: { self: 'titolare dell’account', admin: 'amministratore' },
  area: { declarations: 'dichiarazioni degli scarichi', observatory: 'Osservatorio Rifiuti' },
  via: { 'mail-link': 'link nella e-mail', profile: 'profilo' },
};

/** What an id in a field names: the read models turn it into a name (auditNames.ts). */
export type ReferenceKind =
  'account' | 'person' | 'company' | 'contract' | 'declaration' | 'municipality';

const byKind = (kind: ReferenceKind, fields: readonly string[]) =>
  fields.map((field) => [field, kind] as const);

/** The fields whose value (or each value, for a list) is an id of something with a name. */
export const referenceFields: ReadonlyMap<string, ReferenceKind> = new Map([
  ...byKind('account', [
    'accountId',
    'organisationId',
    'personId',
    'owner',
    'ownerAccountId',
    'managerId',
    'previousManagerId',
    'formerManagerIds',
    'offeredTo',
    'toAccountId',
    'requestedBy',
    'submittedBy',
    'preparedBy',
    'filedBy',
    'invitedBy',
    'addedBy',
    'startedBy',
    'openedBy',
    'setBy',
    'savedBy',
    'decidedBy',
    'assignedBy',
    'changedBy',
    'endedBy',
    'grantedBy',
    'revokedBy',
    'claimedBy',
    'releasedBy',
    'actorIds',
  ]),
  ...byKind('person', ['fiscalCode', 'admins']),
  ...byKind('company', ['customerCode']),
  ...byKind('contract', [
    'contractNumber',
    'newContractNumber',
    'previousContractNumber',
    'renumberedTo',
    'renumberedFrom',
  ]),
  ...byKind('declaration', ['protocolNumber', 'replaces', 'replaced']),
  ...byKind('municipality', ['istatCode']),
]);

/** What the keys of an object are when they are data: a year, an id, any text. */
export type KeyKind = 'year' | ReferenceKind | 'text';

/** Objects whose keys are data, not field names: a year, an account, a file's name. */
export const keyedBy: ReadonlyMap<string, KeyKind> = new Map([
  ['declarations', 'year'],
  ['byAccount', 'account'],
  ['files', 'text'],
  ['form', 'text'],
] as const);

const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/** The words for a recorded choice, or undefined when the value is not one of the field's choices. */
export const valueLabel = (key: string, value: string): string | undefined => {
  const choices = own(valueLabels, key);
  return choices ? own(choices, value) : undefined;
};
