import { municipalityStream } from '../../domain/observatory/municipalityOfficer.js';
import { observatoryAdminsStream } from '../../domain/observatory/observatoryAdmins.js';
import type { Municipality } from '../../domain/observatory/reference/municipalities.js';
import { digitalIdentityStream } from '../../domain/observatory/digitalIdentityEvents.js';
import { codiceFiscale, person, publicIp } from './auditLogPeople.js';
import type { Random } from './auditLogRandom.js';
import { tonnesScale } from './auditLogWasteRows.js';
import { actor, fileTown, type FlowContext, type Identity, type Town } from './auditLogFlows.js';
import { days, minutes, monthStart, type Timeline } from './auditLogTimeline.js';

const issuers = [
  'https://posteid.poste.it',
  'https://identity.infocert.it',
  'https://spid.aruba.it',
  'https://login.id.tim.it/affwebservices/public/saml2sso',
  'https://idserver.servizicie.interno.gov.it/idp/profile/SAML2/POST/SSO',
];

const slug = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z]+/g, '');

/** The regional waste observatory: officers, admins, and every municipality's monthly flows. */
export class Observatory implements FlowContext {
  private readonly towns: Town[];
  readonly admins: Identity[] = [];

  constructor(
    readonly timeline: Timeline,
    readonly random: Random,
    municipalities: readonly Municipality[],
  ) {
    this.towns = municipalities.map((municipality) => ({
      municipality,
      scale: tonnesScale(random, municipality),
      officer: this.identity(
        `comune.${slug(municipality.name)}.${municipality.province.toLowerCase()}.it`,
      ),
    }));
  }

  private identity(domain: string): Identity {
    const who = person(this.random);
    return {
      person: who,
      fiscalCode: codiceFiscale(this.random, who),
      email: `${slug(who.givenName)}.${slug(who.familyName)}@${domain}`,
      ip: publicIp(this.random),
      issuer: this.random.pick(issuers),
      sessions: new Set<number>(),
    };
  }

  /** SPID/CIE login (one a day: sessions last 8 hours), a logout now and then. */
  visit(who: Identity, at: number): void {
    const slot = Math.floor(at / days);
    if (who.sessions.has(slot)) return;
    who.sessions.add(slot);
    const { timeline, random } = this;
    const stream = digitalIdentityStream.id(who.fiscalCode);
    const { givenName, familyName } = who.person;
    const data = {
      fiscalCode: who.fiscalCode,
      givenName,
      familyName,
      email: who.email,
      issuer: who.issuer,
    };
    timeline.record(stream, at, timeline.command(actor(who), who.ip), [
      { type: 'DigitalIdentityLoggedIn', data },
    ]);
    if (random.chance(0.4)) {
      const out = at + random.int(5, 80) * minutes;
      timeline.record(stream, out, timeline.command(actor(who), who.ip), [
        { type: 'DigitalIdentityLoggedOut', data: { fiscalCode: who.fiscalCode } },
      ]);
    }
  }

  /** Launch: admins granted from the command line, then each municipality gets its officer. */
  launch(at: number): void {
    const { random } = this;
    for (let i = 0; i < 3; i++)
      this.grantAdmin(at + i * minutes, { id: 'system', role: 'system' }, null);
    for (const [i, town] of this.towns.entries()) {
      const when =
        at + days + Math.floor((i / this.towns.length) * 40) * days + random.int(0, 600) * minutes;
      this.assign(town, town.officer, when, null);
    }
  }

  private grantAdmin(at: number, by: { id: string; role: string }, ip: string | null): void {
    const admin = this.identity('regione.puglia.it');
    this.admins.push(admin);
    this.timeline.record(observatoryAdminsStream.id(), at, this.timeline.command(by, ip), [
      { type: 'ObservatoryAdminGranted', data: { fiscalCode: admin.fiscalCode, grantedBy: by.id } },
    ]);
  }

  private assign(town: Town, officer: Identity, at: number, previous: Identity | null): void {
    const admin = this.random.pick(this.admins);
    this.visit(admin, at - 5 * minutes);
    const { istatCode } = town.municipality;
    const adminId = `cf:${admin.fiscalCode}`;
    const ended = previous
      ? [
          {
            type: 'OfficerAssignmentEnded',
            data: {
              istatCode,
              fiscalCode: previous.fiscalCode,
              endedBy: adminId,
              reason: 'Sostituito da un nuovo utente',
            },
          },
        ]
      : [];
    this.timeline.record(
      municipalityStream.id(istatCode),
      at,
      this.timeline.command(actor(admin), admin.ip),
      [
        ...ended,
        {
          type: 'OfficerAssigned',
          data: {
            istatCode,
            fiscalCode: officer.fiscalCode,
            email: officer.email,
            assignedBy: adminId,
          },
        },
      ],
    );
    town.officer = officer;
  }

  /** Month `month` is filed during the next one: drafts, the submission, sometimes an unlock. */
  fileMonth(month: string, filingMonth: string): void {
    const { random } = this;
    for (const town of this.towns) {
      if (random.chance(0.006)) {
        const domain = town.officer.email.split('@')[1]!;
        this.assign(
          town,
          this.identity(domain),
          monthStart(filingMonth) + random.int(0, 4) * days,
          town.officer,
        );
      }
      fileTown(this, town, month, filingMonth);
    }
  }
}
