import { randomUUID } from 'node:crypto';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import type { CompanyDeclaration, DeclarantKind } from '../../domain/accounts/accountEvents.js';
import type { MemberRole } from '../../domain/accounts/members.js';
import { usernameDecider, usernameStream } from '../../domain/accounts/usernameClaim.js';
import { hashPassword } from '../accounts/passwords.js';
import { createStaffAccount, systemContext, type StaffRole } from '../accounts/staffAccounts.js';
import type { Config } from '../config.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { openCampaign } from '../campaigns/openCampaign.js';
import { seedObservatory } from './seedObservatory.js';
import { defaultCampaignSettings } from '../../domain/campaigns/defaultCampaignSettings.js';
import { importRegistry } from '../registry/importRegistry.js';
import type { RegistryRow } from '../registry/registryFile.js';
import type { Runtime } from '../runtime.js';

export interface DemoAccount {
  readonly role: string;
  readonly username: string;
  readonly password: string;
}

const registry: RegistryRow[] = [
  {
    customerCode: '1001234567',
    contractNumber: '3001234567',
    companyName: 'Test SRL',
    plantAddress: 'Via Vai 1, 40100 Bologna (BO)',
  },
  {
    customerCode: '1001234567',
    contractNumber: '3001234568',
    companyName: 'Test SRL',
    plantAddress: 'Via Emilia 120, 40026 Imola (BO)',
  },
  {
    customerCode: '8901234567',
    contractNumber: '3008901234',
    companyName: 'Euro Oil SPA',
    plantAddress: 'Via Pizzarotti 22, 40055 Castenaso (BO)',
  },
  {
    customerCode: '8907654321',
    contractNumber: '3008907654',
    companyName: 'Lavanderie Riunite SRL',
    plantAddress: 'Via del Lavoro 5, 41122 Modena (MO)',
  },
  {
    customerCode: '5551234567',
    contractNumber: '3005551234',
    companyName: 'Caseificio Val Samoggia SCA',
    plantAddress: 'Via Stradelli Guelfi 8, 40024 Castel San Pietro Terme (BO)',
  },
  {
    customerCode: '5557654321',
    contractNumber: '3005557654',
    companyName: 'Officine Reno SRL',
    plantAddress: 'Via Persicetana 40, 40017 San Giovanni in Persiceto (BO)',
  },
  {
    customerCode: '5557654321',
    contractNumber: '3005557655',
    companyName: 'Officine Reno SRL',
    plantAddress: "Via Modena 3, 40019 Sant'Agata Bolognese (BO)",
  },
  {
    customerCode: '7771234567',
    contractNumber: '3007771234',
    companyName: 'Conceria Santerno SPA',
    plantAddress: 'Via Lughese 12, 40026 Imola (BO)',
  },
  {
    customerCode: '7771234567',
    contractNumber: '3007771235',
    companyName: 'Conceria Santerno SPA',
    plantAddress: 'Via Selice 7, 40026 Imola (BO)',
  },
];

/** A company as its referent declares it at registration, with contracts of the registry. */
export const company = (
  row: RegistryRow,
  taxId: string,
  contracts: readonly RegistryRow[] = [row],
): CompanyDeclaration => ({
  name: row.companyName,
  taxId,
  phone: '051 000 0000',
  email: null,
  pec: null,
  customerCode: row.customerCode,
  contracts: contracts.map((contract) => {
    const [street = '', place = ''] = contract.plantAddress.split(', ');
    const [, civic = '1'] = /(\d+\w*)$/.exec(street) ?? [];
    const [, cap = '40100', municipality = '', province = 'BO'] =
      /^(\d{5}) (.+) \((\w\w)\)$/.exec(place) ?? [];
    return {
      contractNumber: contract.contractNumber,
      street: street.replace(/\s+\d+\w*$/, ''),
      civic,
      cap,
      province,
      municipality,
    };
  }),
});

const staff: { role: StaffRole; username: string; fullName: string; password: string }[] = [
  {
    role: 'operator',
    username: 'operatore',
    fullName: 'Olga Operatrice',
    password: 'Operatore-2026',
  },
  { role: 'auditor', username: 'revisore', fullName: 'Renato Revisore', password: 'Revisore-2026' },
  { role: 'admin', username: 'admin', fullName: 'Amelia Amministratrice', password: 'Admin-2026!' },
];

/**
 * The embedded default starts with demo data, made through the same commands people use: the
 * registry, one account per staff role, an approved Ditta, an approved Studio and a Studio whose
 * registration waits for an operator; the current year's declaration campaign is open; the
 * observatory has its admin, the officers of Bari and Lecce and their months (seedObservatory).
 */
export async function seedDemo(runtime: Runtime, config: Config): Promise<DemoAccount[] | null> {
  if (await runtime.eventStore.headPosition()) return null;
  const now = new Date();
  const context = systemContext(now);
  await importRegistry(
    { db: runtime.database.db, store: runtime.eventStore },
    { name: 'anagrafica-demo.csv', content: Buffer.from(JSON.stringify(registry)) },
    { rows: registry, rejected: [] },
    { ...context, commandId: randomUUID() },
  );
  for (const account of staff)
    await createStaffAccount(
      runtime.eventStore,
      { ...account, email: `${account.username}@gestore.example` },
      context,
    );
  const [test, testImola, euroOil, lavanderie, caseificio] = registry as [
    RegistryRow,
    RegistryRow,
    RegistryRow,
    RegistryRow,
    RegistryRow,
  ];
  const declarants = [
    {
      kind: 'ditta' as const,
      username: 'ditta.demo',
      fullName: 'Daniela Ditta',
      password: 'Ditta-2026',
      companies: [company(test, '00743110157', [test, testImola])],
      approve: true,
    },
    {
      kind: 'studio' as const,
      username: 'studio.demo',
      fullName: 'Gianni Rossi',
      password: 'Studio-2026',
      companies: [company(euroOil, '01234567897'), company(lavanderie, '02345678904')],
      approve: true,
      // A colleague who prepares the declarations; Gianni Rossi, the administrator, sends them.
      people: [
        {
          username: 'anna.studio',
          fullName: 'Anna Bianchi',
          password: 'Compila-2026',
          role: 'compilatore' as const,
        },
      ],
    },
    {
      kind: 'studio' as const,
      username: 'studio.attesa',
      fullName: 'Sara Attesa',
      password: 'Attesa-2026',
      companies: [company(caseificio, '03456789019')],
      approve: false,
    },
  ];
  for (const declarant of declarants) {
    const organisationId = await registerDeclarant(runtime, declarant, now);
    for (const person of declarant.people ?? [])
      await addPerson(runtime, organisationId, declarant.kind, person, now);
  }
  // The declaration of the current year is filed from January, by the end of that month.
  const year = now.getUTCFullYear();
  await openCampaign(runtime.eventStore, defaultCampaignSettings(year, `${year + 1}-01-31`), {
    ...context,
    commandId: randomUUID(),
  });
  await seedObservatory({ store: runtime.eventStore }, config, now);
  return [
    ...staff,
    ...declarants
      .filter((d) => d.approve)
      .flatMap((d) => [
        { ...d, role: d.kind === 'ditta' ? 'ditta' : 'studio' },
        ...(d.people ?? []).map((person) => ({ ...person, role: `${d.kind} (${person.role})` })),
      ]),
  ];
}

/** A Ditta or Studio registered and verified, approved if asked, as its referent would. */
export async function registerDeclarant(
  runtime: Runtime,
  input: {
    kind: DeclarantKind;
    username: string;
    fullName: string;
    password: string;
    companies: CompanyDeclaration[];
    approve: boolean;
  },
  now: Date,
): Promise<string> {
  const accountId = randomUUID();
  const streamId = accountStream.id(accountId);
  const run = async (command: Parameters<typeof accountDecider.decide>[0]) =>
    handleCommand(runtime.eventStore, accountDecider, streamId, command, {
      ...systemContext(now),
      commandId: randomUUID(),
    });
  await handleCommand(
    runtime.eventStore,
    usernameDecider,
    usernameStream.id(input.username),
    { type: 'ClaimUsername', username: input.username, accountId },
    { ...systemContext(now), commandId: randomUUID() },
  );
  const challengeId = randomUUID();
  await run({
    type: 'RegisterReferent',
    accountId,
    kind: input.kind,
    fullName: input.fullName,
    phone: '051 123 4567',
    email: `${input.username}@example.com`,
    username: input.username,
    passwordHash: await hashPassword(input.password),
    companies: input.companies,
    notInRegistry: [],
    challengeId,
    now,
  });
  await run({ type: 'VerifyEmail', challengeId, codeMatches: true, now });
  if (input.approve) await run({ type: 'ApproveRegistration', note: 'Dati dimostrativi' });
  return accountId;
}

/** A person of the organisation, invited by its registrant and already joined. */
async function addPerson(
  runtime: Runtime,
  organisationId: string,
  kind: DeclarantKind,
  person: { username: string; fullName: string; password: string; role: MemberRole },
  now: Date,
): Promise<void> {
  const context = () => ({ ...systemContext(now), commandId: randomUUID() });
  const personId = randomUUID();
  const email = `${person.username}@example.com`;
  const organisation = accountStream.id(organisationId);
  const founder = { organisationId, personId: organisationId, role: 'amministratore' as const };
  const { username, fullName, role } = person;
  await handleCommand(
    runtime.eventStore,
    accountDecider,
    organisation,
    { type: 'InviteMember', by: founder, inviteId: personId, email, fullName, role, now },
    context(),
  );
  await handleCommand(
    runtime.eventStore,
    usernameDecider,
    usernameStream.id(username),
    { type: 'ClaimUsername', username, accountId: personId },
    context(),
  );
  const passwordHash = await hashPassword(person.password);
  await handleCommand(
    runtime.eventStore,
    accountDecider,
    accountStream.id(personId),
    {
      type: 'CreateMemberAccount',
      accountId: personId,
      organisationId,
      inviteId: personId,
      kind,
      fullName,
      email,
      username,
      passwordHash,
    },
    context(),
  );
  await handleCommand(
    runtime.eventStore,
    accountDecider,
    organisation,
    { type: 'JoinOrganisation', inviteId: personId, personId, now },
    context(),
  );
}
