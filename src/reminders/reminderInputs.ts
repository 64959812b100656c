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
import { allCampaigns } from '../../projections/campaigns/campaigns.js';
import type { Schema } from '../platform/db/schema.js';

/** Campaigns that may still write to their declarants on `today`. */
export async function campaignsForReminders(
  db: Kysely<Schema>,
  today: string,
): Promise<CampaignForReminders[]> {
  return (await allCampaigns(db))
    .filter((c) => addDays(c.settings.deadline, 1 + catchUpDays) >= today)
    .map((c) => ({
      year: c.settings.year,
      deadline: c.settings.deadline,
      openedOn: romeDay(new Date(c.openedAt)),
      reminderDays: reminderDaysOf(c.settings),
    }));
}

/**
 * Every validated contract with a manager, as a year's reminders address it: the notification
 * address of its latest declaration (the manager's own address before any), and the company's
 * account where someone else manages the contract.
 */
export async function contractsForReminders(
  db: Kysely<Schema>,
  year: number,
  stopped: ReadonlySet<ReminderSubject>,
): Promise<ContractForReminders[]> {
  const contracts = await db
    .selectFrom('contracts')
    .select(['contract_number', 'company_name', 'manager_account_id', 'owner_account_id'])
    .where('status', '=', 'validated')
    .where('manager_account_id', 'is not', null)
    .orderBy('contract_number')
    .execute();
  if (contracts.length === 0) return [];
  const filed = new Set(
    (
      await db
        .selectFrom('declarations')
        .select('contract_number')
        .where('year', '=', year)
        .where('status', '=', 'submitted')
        .execute()
    ).map((row) => row.contract_number),
  );
  const notification = new Map(
    (
      await db
        .selectFrom('declarations')
        .distinctOn('contract_number')
        .select(['contract_number', 'notification_email'])
        .orderBy('contract_number')
        .orderBy('year', 'desc')
        .execute()
    ).map((row) => [row.contract_number, row.notification_email]),
  );
  const accountIds = [
    ...new Set(contracts.flatMap((c) => [c.manager_account_id, c.owner_account_id])),
  ].filter((id): id is string => id !== null);
  const emails = new Map(
    (
      await db
        .selectFrom('accounts')
        .select(['account_id', 'email'])
        .where('account_id', 'in', accountIds)
        .execute()
    ).map((row) => [row.account_id, row.email]),
  );
  const addressee = (email: string | undefined, accountId: string): Addressee[] => {
    const subject = accountSubject(accountId);
    return email ? [{ email, subject, optionalStopped: stopped.has(subject) }] : [];
  };
  return contracts.map((c) => {
    const manager = c.manager_account_id!;
    const toManager = addressee(
      notification.get(c.contract_number) ?? emails.get(manager),
      manager,
    );
    const owner = c.owner_account_id;
    const toCompany =
      owner && owner !== manager
        ? addressee(emails.get(owner), owner).filter(
            (a) => !toManager.some((m) => m.email.toLowerCase() === a.email.toLowerCase()),
          )
        : [];
    return {
      contractNumber: c.contract_number,
      companyName: c.company_name,
      filed: filed.has(c.contract_number),
      addressees: [...toManager, ...toCompany],
    };
  });
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
