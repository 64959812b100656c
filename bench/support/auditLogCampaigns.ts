import { campaignStream } from '../../domain/campaigns/campaign.js';
import { defaultCampaignSettings } from '../../domain/campaigns/defaultCampaignSettings.js';
import {
  formatProtocolNumber,
  protocolRegisterStream,
} from '../../domain/declarations/protocolNumber.js';
import { deterministicUuid } from '../../src/platform/eventStore/commandHandler.js';
import type { JsonObject } from '../../src/platform/eventStore/eventStore.js';
import { actorOf, type Account, type Accounts, type Declarant } from './auditLogAccounts.js';
import type { Contract } from './auditLogContracts.js';
import { declarationContent } from './auditLogDeclarations.js';
import type { Random } from './auditLogRandom.js';
import { days, hours, minutes, monthKey, type Command, type Timeline } from './auditLogTimeline.js';

interface Campaign {
  readonly year: number;
  readonly openedAt: number;
  readonly deadline: string;
  readonly deadlineAt: number;
}

/** A submission waiting for its number, given in order of arrival when its month is written. */
interface Filing {
  readonly year: number;
  readonly at: number;
  readonly contractNumber: string;
  readonly submissionId: string;
  readonly correlationId: string;
  protocolNumber: string | null;
}

const system = { id: 'system', role: 'system' } as const;

/** Yearly campaigns and the declarations filed in them, numbered in each year's register. */
export class Campaigns {
  private readonly open: Campaign[] = [];
  private readonly filings = new Map<string, Filing[]>();
  private readonly registers = new Map<number, number>();

  constructor(
    private readonly timeline: Timeline,
    private readonly random: Random,
    private readonly accounts: Accounts,
  ) {
    timeline.beforeDrain((month) => this.number(month));
  }

  /** The operator opens year `year`; every active contract will file for it. */
  openCampaign(year: number, at: number, deadline: string, by: Account, contracts: Contract[]) {
    const { timeline } = this;
    const settings = defaultCampaignSettings(year, deadline);
    timeline.record(campaignStream.id(year), at, timeline.command(actorOf(by), by.ip), [
      {
        type: 'CampaignOpened',
        data: {
          settings: JSON.parse(JSON.stringify(settings)) as JsonObject,
          openedBy: by.accountId,
        },
      },
    ]);
    const campaign = {
      year,
      openedAt: at,
      deadline,
      deadlineAt: Date.parse(`${deadline}T22:59:59Z`),
    };
    this.open.push(campaign);
    for (const contract of contracts) if (contract.active) this.file(contract, campaign, at);
  }

  /** A contract validated while a campaign is open files for it too, if there is time. */
  joined(contract: Contract, at: number): void {
    for (const campaign of this.open)
      if (at > campaign.openedAt && at < campaign.deadlineAt - 15 * days)
        this.file(contract, campaign, at);
  }

  private file(contract: Contract, campaign: Campaign, notBefore: number): void {
    const { timeline, random } = this;
    const manager = contract.manager;
    if (!manager) return;
    const late = random.chance(0.07);
    const before = Math.min(
      random.geometric(9, 60),
      (campaign.deadlineAt - campaign.openedAt) / days - 3,
    );
    const day = late
      ? campaign.deadlineAt + random.int(1, 45) * days
      : campaign.deadlineAt - before * days;
    const receivedAt = officeHours(random, Math.max(day, notBefore + 2 * days));
    const drafts = 1 + random.geometric(0.7, 6);
    const attachments = random.weighted([
      [0, 50],
      [1, 35],
      [2, 15],
    ] as const);
    let content: ReturnType<typeof declarationContent> | null = null;
    const figures = () => (content ??= declarationContent(contract, campaign.year, attachments));
    const start = Math.max(notBefore + hours, receivedAt - drafts * random.int(10, 600) * minutes);
    const gap = (receivedAt - start) / drafts;
    for (let i = 0; i < drafts; i++) {
      const at = start + i * gap;
      this.accounts.signIn(manager, at - 2 * minutes);
      timeline.record(contract.streamId, at, timeline.command(actorOf(manager), manager.ip), [
        {
          type: 'DeclarationPrepared',
          data: () => ({ ...figures(), preparedBy: manager.accountId }),
        },
      ]);
    }
    this.accounts.signIn(manager, receivedAt - 3 * minutes);
    const request = timeline.command(actorOf(manager), manager.ip);
    const submitted = () => ({
      ...figures(),
      signatory: signatoryOf(manager),
      receivedAt: new Date(receivedAt).toISOString(),
      deadline: campaign.deadline,
      late,
      warningsAcknowledged: figures().warnings.length > 0,
    });
    const [submissionId] = timeline.record(contract.streamId, receivedAt, request, [
      { type: 'DeclarationSubmitted', data: submitted },
    ]);
    const filing: Filing = {
      year: campaign.year,
      at: receivedAt,
      contractNumber: contract.contractNumber,
      submissionId: submissionId!,
      correlationId: request.correlationId,
      protocolNumber: null,
    };
    const month = monthKey(receivedAt);
    const filings = this.filings.get(month) ?? [];
    filings.push(filing);
    this.filings.set(month, filings);
    this.protocol(contract, filing, manager);
  }

  /**
   * completeSubmission: the number at once (DeclarationProtocolled), the copy of record rendered
   * and stored a moment later (CopyOfRecordStored).
   */
  private protocol(contract: Contract, filing: Filing, manager: Declarant): void {
    const { timeline, random } = this;
    const copyOfRecord = { sha256: random.hex(64), size: random.int(60_000, 220_000) };
    const command: Command = {
      commandId: `${filing.submissionId}:protocol`,
      correlationId: filing.correlationId,
      actor: system,
      clientIp: null,
    };
    const numbered = () => ({ year: filing.year, protocolNumber: filing.protocolNumber ?? '' });
    const base = () => ({ ...numbered(), copyOfRecord });
    timeline.record(contract.streamId, filing.at + random.int(20, 200), command, [
      {
        type: 'DeclarationProtocolled',
        data: () => ({ ...numbered(), notificationEmail: contract.email }),
      },
    ]);
    const copy = { ...command, commandId: `${filing.submissionId}:copy` };
    timeline.record(contract.streamId, filing.at + random.int(900, 3_000), copy, [
      {
        type: 'CopyOfRecordStored',
        data: () => ({ ...base(), notificationEmail: contract.email }),
      },
    ]);
    if (!random.chance(0.04)) return;
    const later = filing.at + random.int(3, 120) * days;
    timeline.record(contract.streamId, later, timeline.command(actorOf(manager), manager.ip), [
      {
        type: 'CopyOfRecordResent',
        data: () => ({ ...base(), to: manager.email, requestedBy: manager.accountId }),
      },
    ]);
  }

  /** The month's submissions get the next numbers of their year's register, in order of arrival. */
  private number(month: string): void {
    const filings = (this.filings.get(month) ?? []).sort((a, b) => a.at - b.at);
    this.filings.delete(month);
    for (const filing of filings) {
      const number = (this.registers.get(filing.year) ?? 0) + 1;
      this.registers.set(filing.year, number);
      filing.protocolNumber = formatProtocolNumber(filing.year, number);
      const data = {
        year: filing.year,
        contractNumber: filing.contractNumber,
        submissionEventId: filing.submissionId,
        number,
        protocolNumber: filing.protocolNumber,
      };
      this.timeline.recordWith(
        protocolRegisterStream.id(filing.year),
        filing.at + 400,
        'ProtocolNumberAssigned',
        data,
        {
          eventId: deterministicUuid(`protocol:${filing.submissionId}`),
          correlationId: filing.correlationId,
          causationId: filing.submissionId,
          actor: system,
          clientIp: null,
        },
      );
    }
  }

  /** Campaigns whose deadline has passed by `at` are closed to new contracts. */
  close(at: number): void {
    for (let i = this.open.length - 1; i >= 0; i--)
      if (this.open[i]!.deadlineAt < at) this.open.splice(i, 1);
  }
}

const signatoryOf = (manager: Declarant) => ({
  accountId: manager.accountId,
  name: manager.person.fullName,
  username: manager.username,
  email: manager.email,
  kind: manager.kind,
});

/** A working day's hour in Italy (08:00–19:00 local, about 07:00–18:00 UTC). */
export function officeHours(random: Random, day: number): number {
  const midnight = Math.floor(day / days) * days;
  const weekday = new Date(midnight).getUTCDay();
  const shift = weekday === 0 ? 1 : weekday === 6 ? 2 : 0;
  return (
    midnight + shift * days + 7 * hours + random.int(0, 11 * 60) * minutes + random.int(0, 59_999)
  );
}
