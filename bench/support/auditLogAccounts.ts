import type { CompanyDeclaration, DeclarantKind } from '../../domain/accounts/accountEvents.js';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import { usernameStream } from '../../domain/accounts/usernameClaim.js';
import type { Actor } from '../../src/platform/eventStore/eventStore.js';
import type { Random } from './auditLogRandom.js';
import { emailOf, fakeArgon2Hash, person, phone, publicIp, type Person } from './auditLogPeople.js';
import { days, hours, minutes, type Timeline } from './auditLogTimeline.js';

import {
  actorOf,
  offSeason,
  otpIssued,
  signIn,
  visitor,
  type Account,
  type Declarant,
} from './auditLogSessions.js';

export { actorOf, type Account, type Declarant } from './auditLogSessions.js';

/** Accounts: registrations and their outcome, staff, sign-ins and the odd profile change. */
export class Accounts {
  private usernames = new Set<string>();

  constructor(
    private readonly timeline: Timeline,
    private readonly random: Random,
  ) {}

  private username(who: Person): string {
    for (let n = 0; ; n++) {
      const base = `${who.givenName[0]}${who.familyName}`.toLowerCase().replace(/[^a-z]/g, '');
      const name = n === 0 ? base : `${base}${n + 1}`;
      if (!this.usernames.has(name)) {
        this.usernames.add(name);
        return name;
      }
    }
  }

  private newAccount<R extends Account['role']>(role: R, ip: string, domain?: string) {
    const who = person(this.random);
    return {
      accountId: this.random.uuid(),
      username: this.username(who),
      role,
      person: who,
      ip,
      email: emailOf(this.random, who, domain),
      sessions: new Set<number>(),
    };
  }

  /** users:create from the command line: the username claim, then the account. */
  createStaff(role: 'operator' | 'admin' | 'auditor', at: number, ip: string): Account {
    const staff = this.newAccount(role, ip, 'gestore-idrico.it');
    const system: Actor = { id: 'system', role: 'system' };
    const { timeline } = this;
    const claim = timeline.command(system, null);
    timeline.record(usernameStream.id(staff.username), at, claim, [
      { type: 'UsernameClaimed', data: { username: staff.username, accountId: staff.accountId } },
    ]);
    const create = timeline.command(system, null, claim.correlationId);
    timeline.record(accountStream.id(staff.accountId), at + 40, create, [
      {
        type: 'StaffAccountCreated',
        data: {
          accountId: staff.accountId,
          role,
          fullName: staff.person.fullName,
          email: staff.email,
          username: staff.username,
          passwordHash: fakeArgon2Hash(this.random),
        },
      },
    ]);
    return staff;
  }

  /**
   * A referent fills the registration form, confirms the mailed code and waits for an operator.
   * Returns the approval (the contracts follow from it), or null when rejected or abandoned.
   */
  register(
    kind: DeclarantKind,
    companies: CompanyDeclaration[],
    at: number,
    operator: () => Account,
  ): { declarant: Declarant; approvalId: string; approvedAt: number; by: Account } | null {
    const { timeline, random } = this;
    const declarant: Declarant = { ...this.newAccount('declarant', publicIp(random)), kind };
    const { accountId, username, email } = declarant;
    const form = timeline.command(visitor, declarant.ip);
    timeline.record(usernameStream.id(username), at, form, [
      { type: 'UsernameClaimed', data: { username, accountId } },
    ]);
    const challengeId = random.uuid();
    const stream = accountStream.id(accountId);
    timeline.record(stream, at + 60, timeline.command(visitor, declarant.ip, form.correlationId), [
      {
        type: 'ReferentRegistered',
        data: {
          accountId,
          kind,
          fullName: declarant.person.fullName,
          phone: phone(random),
          email,
          username,
          passwordHash: fakeArgon2Hash(random),
          companies,
        },
      },
      otpIssued(challengeId, 'registration', email, at + 60),
    ]);
    if (random.chance(0.04)) return null;
    let t = at + random.int(2, 40) * minutes;
    if (random.chance(0.12)) {
      timeline.record(stream, t, timeline.command(visitor, declarant.ip), [
        { type: 'EmailOtpRejected', data: { challengeId, attempt: 1 } },
      ]);
      t += random.int(1, 5) * minutes;
    }
    timeline.record(stream, t, timeline.command(visitor, declarant.ip), [
      { type: 'EmailVerified', data: { challengeId, email } },
    ]);
    const by = operator();
    const decidedAt = t + random.int(1, 6) * days + random.int(0, 8) * hours;
    this.signIn(by, decidedAt - random.int(1, 30) * minutes);
    const decision = timeline.command(actorOf(by), by.ip);
    if (random.chance(0.04)) {
      const reason = 'Dati della ditta non corrispondenti all’anagrafica del gestore.';
      timeline.record(stream, decidedAt, decision, [
        { type: 'RegistrationRejected', data: { reason } },
      ]);
      return null;
    }
    const note = random.chance(0.7) ? null : 'Verificato con l’anagrafica contratti.';
    const [approvalId] = timeline.record(stream, decidedAt, decision, [
      { type: 'RegistrationApproved', data: { note } },
    ]);
    return { declarant, approvalId: approvalId!, approvedAt: decidedAt, by };
  }

  /**
   * The utility invites a company its consultant managed: "ditta.<customer code>", first-access
   * credentials to the PEC; the company replaces the password at its first visit.
   */
  invite(
    company: { name: string; customerCode: string },
    at: number,
    by: Account,
  ): { declarant: Declarant; invitationId: string } {
    const { timeline, random } = this;
    const username = `ditta.${company.customerCode}`;
    this.usernames.add(username);
    const declarant: Declarant = {
      ...this.newAccount('declarant', publicIp(random)),
      username,
      kind: 'ditta',
    };
    const { accountId } = declarant;
    const pec = `${company.customerCode}@pec.it`;
    const request = timeline.command(actorOf(by), by.ip);
    timeline.record(usernameStream.id(username), at, request, [
      { type: 'UsernameClaimed', data: { username, accountId } },
    ]);
    const invite = timeline.command(actorOf(by), by.ip, request.correlationId);
    const stream = accountStream.id(accountId);
    const data = {
      accountId,
      customerCode: company.customerCode,
      companyName: company.name,
      pec,
      username,
      passwordHash: fakeArgon2Hash(random),
    };
    const [invitationId] = timeline.record(stream, at + 50, invite, [
      { type: 'CompanyInvited', data },
    ]);
    const firstVisit = at + random.int(1, 20) * days;
    this.signIn(declarant, firstVisit);
    timeline.record(
      stream,
      firstVisit + minutes,
      timeline.command(actorOf(declarant), declarant.ip),
      [{ type: 'PasswordChanged', data: { passwordHash: fakeArgon2Hash(random) } }],
    );
    return { declarant, invitationId: invitationId! };
  }

  /** A visit: a failed attempt now and then, SignedIn, and SignedOut when people remember to. */
  signIn(account: Account, at: number): void {
    signIn(this.timeline, this.random, account, at);
  }

  /** Outside the campaigns: a forgotten password, a new phone, a new address. */
  offSeason(declarant: Declarant, at: number): void {
    offSeason(this.timeline, this.random, declarant, at);
  }
}
