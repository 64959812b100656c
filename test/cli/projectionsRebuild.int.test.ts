import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { rebuildLedger } from '../../src/audit/jobLedger.js';
import { projectionsRebuild } from '../../src/cli/projectionsRebuild.js';
import { flowStream, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import { demoOfficerBari } from '../../src/dev/demoIdentities.js';
import { handleCommand } from '../../src/platform/eventStore/commandHandler.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { campaignYear, fileDeclaration, openCampaign } from '../support/declarations.js';
import {
  cookieSecret,
  createOperator,
  settle,
  signedIn,
  startTestApp,
  testSeal,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import {
  assignDemoOfficerBari,
  glassFlowRow,
  grantDemoAdmin,
  systemContext,
} from '../observatory/support.js';

/** Tables of read models whose rows a rebuild must give back as they were. */
const readModels = [
  'accounts',
  'contracts',
  'declarations',
  'campaigns',
  'waste_flows',
  'observatory_officers',
  'stream_index',
] as const;

/**
 * `projections:rebuild` over a log with a registration, its contracts, a filed declaration and a
 * municipality's month, every subscriber having run to its head first: the read models come back
 * the same, and the log, the mail outbox and the documents are untouched. No process manager gives
 * its commands again (the contracts' and the protocols' did when replayed), no reactor mails twice.
 */
describe.each(backends())('%s: projections:rebuild of every read model', (backend) => {
  let ctx: TestApp;
  const sole = { username: 'lavanderia.sole', password: 'Segreta-2026' };
  const contract = '3004441234';
  const now = new Date('2026-01-20T09:30:00Z');

  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => now });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [['4441234567', contract, 'Lavanderia Sole SRL']]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...sole, fullName: 'Sole Bianchi', email: 'sole@example.test' }, [
        { customerCode: '4441234567', contracts: [contract] },
      ]),
    );
    await openCampaign(ctx);
    await fileDeclaration(
      ctx,
      await signedIn(ctx, sole),
      `/dichiarazioni/${campaignYear}/${contract}`,
      'ambiente@example.test',
    );
    await grantDemoAdmin(ctx.store, now);
    await assignDemoOfficerBari(ctx.store, now);
    await handleCommand(
      ctx.store,
      monthlyFlowDecider,
      flowStream.id('072006', '2025-12'),
      {
        type: 'SubmitMonthlyFlow',
        istatCode: '072006',
        month: '2025-12',
        officerId: `cf:${demoOfficerBari.fiscalCode}`,
        rows: [glassFlowRow],
        now,
      },
      systemContext(now),
    );
    await settle(ctx);
    // As the command line does it: the portal's own runner stopped.
    await ctx.projections.stop();
  });
  afterAll(async () => ctx?.close());

  const count = async (table: string) => {
    const { rows } = await sql<{
      n: string;
    }>`select count(*)::text as n from ${sql.table(table)}`.execute(ctx.test.database.db);
    return Number(rows[0]!.n);
  };
  /** What must not change, and what must come back the same. */
  const snapshot = async () => ({
    events: await count('events'),
    mails: await count('mail_outbox'),
    documents: await count('documents'),
    readModels: Object.fromEntries(
      await Promise.all(
        readModels.map(async (table) => {
          const { rows } = await sql<{ digest: string }>`
            select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest
            from ${sql.table(table)} t`.execute(ctx.test.database.db);
          return [table, rows[0]!.digest] as const;
        }),
      ),
    ),
  });
  const rebuild = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await projectionsRebuild(
      {
        database: ctx.test.database,
        eventStore: ctx.store,
        cookieSecret,
        publicUrl: 'http://portale.test',
        seal: testSeal,
        headWitness: ctx.headWitness,
        usesKurrent: false,
      },
      args,
      {
        logger: pino({ level: 'silent' }),
        out: (line) => lines.push(line),
        utilityName: 'Servizio Idrico Integrato',
      },
    );
    return { code, out: lines.join('\n') };
  };

  it('gives the read models back, and writes no event, mail or document', async () => {
    const before = await snapshot();
    // The log holds what the process managers did: a copy of record, its receipt, the mails.
    expect(before.documents).toBeGreaterThan(0);
    expect(before.mails).toBeGreaterThan(0);
    const rebuilt = await rebuild();
    expect(rebuilt.code, rebuilt.out).toBe(0);
    expect(rebuilt.out).toContain('declaration_protocols: left as it is (process-manager)');
    expect(rebuilt.out).toContain('registration_contracts: left as it is (process-manager)');
    expect(rebuilt.out).toContain('declaration_mails: left as it is (reactor)');
    expect(rebuilt.out).toMatch(/^Rebuilt together: .*\bdeclarations\b/m);
    expect(rebuilt.out).toMatch(/^\d+ read models: \d+ events in /m);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to replay a process manager or a reactor by name, and changes nothing', async () => {
    const before = await snapshot();
    const manager = await rebuild('declaration_protocols');
    expect(manager.code).toBe(2);
    expect(manager.out).toContain(
      'declaration_protocols is a process-manager: it is never rebuilt',
    );
    const reactor = await rebuild('declaration_mails');
    expect(reactor.code).toBe(2);
    expect(reactor.out).toContain('declaration_mails is a reactor: it is never rebuilt');
    expect(await snapshot()).toEqual(before);
  });

  it('takes the portal’s one rebuild slot: shown to the auditors, refused while it is taken', async () => {
    const rebuilt = await rebuild('contracts');
    expect(rebuilt.code, rebuilt.out).toBe(0);
    const ran = await ctx.test.database.db
      .selectFrom('background_jobs')
      .select(['subject', 'state', 'started_by'])
      .where('kind', '=', 'ricostruzione')
      .execute();
    expect(ran).toContainEqual({
      subject: 'contracts',
      state: 'done',
      started_by: 'riga di comando',
    });

    // An auditor's rebuild running in a portal process: the command line waits its turn.
    const auditors = {
      id: randomUUID(),
      subject: 'accounts',
      startedBy: 'Olga Operatrice (olga)',
      startedAt: new Date(),
    };
    const ledger = rebuildLedger(ctx.test.database.db);
    expect(await ledger.claim(auditors, 'a-portal-process', { projections: ['accounts'] })).toBe(
      true,
    );
    const before = await snapshot();
    const refused = await rebuild();
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(
      'A rebuild is running already (accounts, started by Olga Operatrice (olga))',
    );
    expect(await snapshot()).toEqual(before);
    await ledger.release(auditors.id);
  });
});
