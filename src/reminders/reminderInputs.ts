import type { Kysely } from 'kysely';
import { reminderDaysOf } from '../../domain/campaigns/campaign.js';
import { addMonths } from '../../domain/observatory/months.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import {
  catchUpDays,
  type Addressee,
  type CampaignForReminders,
  type ContractForReminders,
} from '../../domain/reminders/declarationReminders.js';
import type { MunicipalityForReminders } from '../../domain/reminders/flowReminders.js';
import {
  accountSubject,
  municipalitySubject,
  type ReminderSubject,
} from '../../domain/reminders/reminderEvents.js';
import { addDays, romeDay } from '../../domain/shared/italianDate.js';
import { allCampaigns, type CampaignRow } from '../../projections/campaigns/campaigns.js';
import type { Schema } from '../platform/db/schema.js';

/** Campaigns that may still write to their declarants on `today`. */
export async function campaignsForReminders(
  db: Kysely<Schema>,
  today: string,
): Promise<CampaignForReminders[]> {
  return (await allCampaigns(db))
    .filter((c) => addDays(c.settings.deadline, 1 + catchUpDays) >= today)
    .map(campaignForReminders);
}

/** A campaign as its reminders see it: its deadline, the day it opened, the days before. */
export const campaignForReminders = (campaign: CampaignRow): CampaignForReminders => ({
  year: campaign.settings.year,
  deadline: campaign.settings.deadline,
  openedOn: romeDay(new Date(campaign.openedAt)),
  reminderDays: reminderDaysOf(campaign.settings),
});

/**
 * Every validated contract with a manager, as a year's reminders address it: the notification
 * address of the latest declaration its manager filed (the manager's own address before any),
 * and the company's account where someone else manages the contract. Closed accounts get
 * nothing; a year filed under the contract's former number counts as filed.
 */
export async function contractsForReminders(
  db: Kysely<Schema>,
  year: number,
  stopped: ReadonlySet<ReminderSubject>,
): Promise<ContractForReminders[]> {
  const contracts = await db
    .selectFrom('contracts')
    .select([
      'contract_number',
      'company_name',
      'manager_account_id',
      'owner_account_id',
      'renumbered_from',
    ])
    .where('status', '=', 'validated')
    .where('manager_account_id', 'is not', null)
    .orderBy('contract_number')
    .execute();
  if (contracts.length === 0) return [];
  const declarations = await db
    .selectFrom('declarations')
    .select(['contract_number', 'year', 'status', 'notification_email', 'filed_by'])
    .orderBy('year', 'desc')
    .execute();
  const filed = new Set(
    declarations
      .filter((d) => d.year === year && d.status === 'submitted')
      .map((d) => d.contract_number),
  );
  const formerNumbers = await predecessors(db);
  const accounts = await activeAccountEmails(db, contracts);
  const addressee = (email: string | undefined, accountId: string): Addressee[] => {
    const subject = accountSubject(accountId);
    return email && accounts.has(accountId)
      ? [{ email, subject, optionalStopped: stopped.has(subject) }]
      : [];
  };
  return contracts.map((c) => {
    const manager = c.manager_account_id!;
    // A notification address given by another manager (before a hand-over) is not this one's.
    const notification = declarations.find(
      (d) => d.contract_number === c.contract_number && d.filed_by.includes(manager),
    )?.notification_email;
    const toManager = addressee(notification ?? accounts.get(manager), manager);
    const owner = c.owner_account_id;
    const toCompany =
      owner && owner !== manager
        ? addressee(accounts.get(owner), owner).filter(
            (a) => !toManager.some((m) => m.email.toLowerCase() === a.email.toLowerCase()),
          )
        : [];
    const numbers = [c.contract_number, ...formerNumbers(c.renumbered_from)];
    return {
      contractNumber: c.contract_number,
      companyName: c.company_name,
      filed: numbers.some((n) => filed.has(n)),
      addressees: [...toManager, ...toCompany],
    };
  });
}

/** A renumbered contract's former numbers, newest first. */
async function predecessors(db: Kysely<Schema>) {
  const rows = await db
    .selectFrom('contracts')
    .select(['contract_number', 'renumbered_from'])
    .where('renumbered_from', 'is not', null)
    .execute();
  const from = new Map(rows.map((row) => [row.contract_number, row.renumbered_from!]));
  return (number: string | null): string[] => {
    const chain: string[] = [];
    while (number && !chain.includes(number)) {
      chain.push(number);
      number = from.get(number) ?? null;
    }
    return chain;
  };
}

/**
 * The address of each active account among the contracts' managers and owners: the
 * organisation's contact as mails use it (it moves when the registrant leaves).
 */
async function activeAccountEmails(
  db: Kysely<Schema>,
  contracts: readonly { manager_account_id: string | null; owner_account_id: string | null }[],
): Promise<Map<string, string>> {
  const ids = [
    ...new Set(contracts.flatMap((c) => [c.manager_account_id, c.owner_account_id])),
  ].filter((id): id is string => id !== null);
  const rows = await db
    .selectFrom('accounts')
    .leftJoin('mail_recipients', 'mail_recipients.account_id', 'accounts.account_id')
    .select(['accounts.account_id', 'accounts.email', 'mail_recipients.email as contact'])
    .where('accounts.account_id', 'in', ids)
    .where('accounts.status', '=', 'active')
    .execute();
  return new Map(rows.map((row) => [row.account_id, row.contact ?? row.email]));
}

/** Every municipality with its user, and whether it has sent the month before `today`'s. */
export async function municipalitiesForReminders(
  db: Kysely<Schema>,
  today: string,
  stopped: ReadonlySet<ReminderSubject>,
): Promise<MunicipalityForReminders[]> {
  const month = addMonths(today.slice(0, 7), -1);
  const officers = await db
    .selectFrom('observatory_officers')
    .select(['istat_code', 'email'])
    .orderBy('istat_code')
    .execute();
  const sent = new Set(
    (
      await db
        .selectFrom('waste_flows')
        .select('istat_code')
        .where('month', '=', month)
        .where('versions', '>', 0)
        .execute()
    ).map((row) => row.istat_code),
  );
  return officers.map((officer) => {
    const subject = municipalitySubject(officer.istat_code);
    return {
      istatCode: officer.istat_code,
      name: municipalityByIstat(officer.istat_code)?.name ?? officer.istat_code,
      officer: { email: officer.email, subject, optionalStopped: stopped.has(subject) },
      sentMonths: sent.has(officer.istat_code) ? new Set([month]) : new Set(),
    };
  });
}
