import { createHash } from 'node:crypto';
import type { Municipality } from '../../domain/observatory/reference/municipalities.js';
import { registryStream } from '../../src/registry/importRegistry.js';
import { Accounts, actorOf, type Account, type Declarant } from './auditLogAccounts.js';
import { Campaigns, officeHours } from './auditLogCampaigns.js';
import { Contracts, type Company } from './auditLogContracts.js';
import { Observatory } from './auditLogObservatory.js';
import { officeIp } from './auditLogPeople.js';
import { Random } from './auditLogRandom.js';
import { days, monthStart, nextMonth, Timeline, type MonthAppend } from './auditLogTimeline.js';

/** How big the utility and the region are; `scale` 1 is the 1,000,000-event log. */
export interface WorldSize {
  readonly seed: number;
  readonly scale: number;
  readonly municipalities: readonly Municipality[];
}

export const calendar = { first: '2019-01', end: '2026-11' } as const;

/** Companies at scale 1, sized so that the calendar holds a little over 1,000,000 events. */
const population = { initialCompanies: 7_700, newCompaniesPerYear: 590 };

/**
 * The utility and the region from January 2019, month by month: who registers, files, signs in,
 * hands a contract over; each month's events come out of `month` ready to append.
 */
export class World {
  readonly timeline: Timeline;
  private readonly random: Random;
  private readonly accounts: Accounts;
  private readonly contracts: Contracts;
  private readonly campaigns: Campaigns;
  private readonly observatory: Observatory;
  private readonly staff: Account[] = [];
  private readonly declarants: Declarant[] = [];
  private readonly studios: Declarant[] = [];
  private readonly studioQueue: Company[] = [];
  private launchedAt = 0;

  constructor(private readonly size: WorldSize) {
    const root = new Random(size.seed);
    this.random = root.fork('world');
    this.timeline = new Timeline(root.fork('ids'));
    this.accounts = new Accounts(this.timeline, root.fork('accounts'));
    this.contracts = new Contracts(this.timeline, root.fork('contracts'));
    this.campaigns = new Campaigns(this.timeline, root.fork('campaigns'), this.accounts);
    this.observatory = new Observatory(
      this.timeline,
      root.fork('observatory'),
      size.municipalities,
    );
  }

  /** Plans what happens in `month` (and what it sets off later), then its appends. */
  month(month: string): MonthAppend[] {
    const t0 = monthStart(month);
    const [year, m] = month.split('-').map(Number) as [number, number];
    if (month === calendar.first) this.launch(t0);
    this.observatory.fileMonth(month, nextMonth(month));
    if (m === 1 && month !== calendar.first) this.hire(t0 + 10 * days);
    this.campaigns.close(t0);
    this.importRegistry(t0 + 2 * days);
    this.staffVisits(t0);
    this.newCompanies(year, m, t0);
    if (m === 4 && year > 2019) this.spring(t0);
    if (m >= 4 && m <= 11) this.offSeason(t0);
    if (year >= 2023 && m >= 3 && m <= 10) this.invitations(t0, year === 2023 ? 0.02 : 0.004);
    if (m === 12) {
      const by = this.operator();
      const at = officeHours(this.random, t0 + this.random.int(0, 4) * days);
      this.campaigns.openCampaign(year, at, `${year + 1}-01-31`, by, this.contracts.all);
    }
    return this.timeline.drain(month);
  }

  private launch(t0: number): void {
    const at = t0 + 6 * days + 8 * 3_600_000;
    this.launchedAt = at + 3_600_000;
    for (let i = 0; i < 8; i++)
      this.staff.push(
        this.accounts.createStaff('operator', at + i * 60_000, officeIp(this.random)),
      );
    this.staff.push(this.accounts.createStaff('admin', at + 9 * 60_000, officeIp(this.random)));
    for (let i = 0; i < 3; i++)
      this.staff.push(
        this.accounts.createStaff('auditor', at + (10 + i) * 60_000, officeIp(this.random)),
      );
    this.observatory.launch(at + days);
    this.campaigns.openCampaign(2018, at + 7 * days, '2019-03-31', this.operator(), []);
  }

  private hire(at: number): void {
    this.staff.push(this.accounts.createStaff('operator', at, officeIp(this.random)));
  }

  private operator(): Account {
    return this.random.pick(this.staff.filter((account) => account.role === 'operator'));
  }

  private importRegistry(at: number): void {
    const by = this.operator();
    const file = `anagrafica-contratti-${new Date(at).toISOString().slice(0, 7)}.csv`;
    const { timeline, random } = this;
    this.accounts.signIn(by, at - 60_000);
    timeline.record(registryStream.id(), at, timeline.command(actorOf(by), by.ip), [
      {
        type: 'RegistryImported',
        data: {
          fileName: file,
          sha256: createHash('sha256').update(file).digest('hex'),
          accepted: Math.round(this.contracts.all.length * 1.1) + random.int(0, 300),
          rejected: random.int(0, 12),
        },
      },
    ]);
  }

  /** Operators every working day; the admin and the auditors now and then. */
  private staffVisits(t0: number): void {
    const month = new Date(t0).getUTCMonth();
    for (let day = t0; new Date(day).getUTCMonth() === month; day += days) {
      const weekday = new Date(day).getUTCDay();
      if (weekday === 0 || weekday === 6 || day < this.launchedAt) continue;
      for (const member of this.staff) {
        const p = member.role === 'operator' ? 0.85 : member.role === 'admin' ? 0.3 : 0.08;
        if (this.random.chance(p * Math.min(1, this.size.scale)))
          this.accounts.signIn(member, officeHours(this.random, day));
      }
    }
  }

  private newCompanies(year: number, m: number, t0: number): void {
    const { random, size } = this;
    const wave = year === 2019 && m <= 3;
    const seasonal = m >= 11 || m === 1 ? 1.6 : m >= 6 && m <= 8 ? 0.6 : 0.95;
    const expected =
      size.scale *
      (wave ? population.initialCompanies / 3 : (population.newCompaniesPerYear / 12) * seasonal);
    const count = Math.floor(expected) + (random.chance(expected % 1) ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const company = this.contracts.newCompany(year);
      const at = officeHours(random, t0 + random.int(0, 27) * days);
      if (wave && random.chance(0.35)) this.queueForStudio(company, at, false);
      else if (!wave && this.studios.length > 0 && random.chance(0.22))
        this.queueForStudio(company, at, true);
      else this.register('ditta', [company], at);
    }
    if (wave && this.studioQueue.length > 0 && m === 3) this.flushStudio(t0 + 20 * days);
  }

  private register(kind: 'ditta' | 'studio', companies: Company[], at: number): void {
    const declarations = companies.map((company) => this.contracts.declarationOf(company));
    const approval = this.accounts.register(kind, declarations, at, () => this.operator());
    if (!approval) return;
    this.declarants.push(approval.declarant);
    if (kind === 'studio') this.studios.push(approval.declarant);
    this.contracts.approved(companies, approval, this.random.uuid());
    for (const contract of companies.flatMap((company) => company.contracts))
      this.campaigns.joined(contract, approval.approvedAt);
  }

  /** Consultants register with a handful of clients; later clients are added one by one. */
  private queueForStudio(company: Company, at: number, existing: boolean): void {
    if (existing) {
      const studio = this.random.pick(this.studios);
      for (const contract of company.contracts) {
        this.contracts.declareLater(contract, studio, at, this.operator());
        this.campaigns.joined(contract, at + 8 * days);
      }
      return;
    }
    this.studioQueue.push(company);
    if (this.studioQueue.length >= this.random.int(3, 25)) this.flushStudio(at);
  }

  private flushStudio(at: number): void {
    this.register('studio', this.studioQueue.splice(0), at);
  }

  /** After the campaign: some contracts stop discharging, some change hands. */
  private spring(t0: number): void {
    const { random } = this;
    for (const contract of this.contracts.all) {
      if (!contract.active) continue;
      if (random.chance(0.025)) contract.active = false;
      else if (random.chance(0.03)) {
        const owner = contract.company.owner;
        const to =
          owner && owner !== contract.manager && random.chance(0.5)
            ? owner
            : random.pick(this.studios);
        this.contracts.handOver(contract, to, officeHours(random, t0 + random.int(5, 200) * days));
      }
    }
  }

  private offSeason(t0: number): void {
    for (const declarant of this.declarants) {
      const roll = this.random.next();
      const at = officeHours(this.random, t0 + this.random.int(0, 27) * days);
      if (roll < 0.012) this.accounts.offSeason(declarant, at);
      else if (roll < 0.05) this.accounts.signIn(declarant, at);
    }
  }

  /** From 2023 the utility invites the companies that only a consultant managed. */
  private invitations(t0: number, share: number): void {
    const managed = this.contracts.all
      .filter((c) => c.active && !c.company.owner)
      .map((c) => c.company);
    for (const company of new Set(managed)) {
      if (!this.random.chance(share)) continue;
      const by = this.operator();
      const at = officeHours(this.random, t0 + this.random.int(0, 27) * days);
      const { declarant, invitationId } = this.accounts.invite(company, at, by);
      this.declarants.push(declarant);
      this.contracts.invited(company, declarant, invitationId, at, by);
    }
  }
}

export const monthsOf = (first: string, end: string): string[] => {
  const months: string[] = [];
  for (let month = first; month < end; month = nextMonth(month)) months.push(month);
  return months;
};
