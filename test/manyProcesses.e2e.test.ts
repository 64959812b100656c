import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowStream } from '../domain/observatory/monthlyFlowDecider.js';
import { demoOfficerBari } from '../src/dev/demoIdentities.js';
import type { EventStore } from '../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../src/platform/eventStore/postgresEventStore.js';
import {
  certifiedSending,
  otpFromMail,
  registrationFields,
  seedRegistry,
} from './support/accounts.js';
import { runCliProcess } from './support/cli.js';
import { TestClient } from './support/client.js';
import { commandIdOf, filledTemplate } from './support/declarations.js';
import { launchBrowser } from './support/browser.js';
import { HttpBrowser, loginWithIdentity } from './support/identityLogin.js';
import { logInWithDigitalIdentity } from './support/observatoryJourney.js';
import { startPortal, type RunningPortal } from './support/portal.js';
import { checkProtocolNumbers } from './support/protocolNumbers.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './support/roundRobinProxy.js';
import { startSmtpServer, type SmtpTestServer } from './support/smtpTestServer.js';
import { eventually, freePort } from './support/waiting.js';
import { openTestDatabase, postgresUrl, type TestDatabase } from './support/testDatabase.js';
import { firstRowFields, glassRow } from './observatory/support.js';

const year = 2026;
const password = 'Segreta-2026';
const declarants = [1, 2, 3, 4].map((n) => ({
  username: `ditta.${n}`,
  email: `ditta.${n}@ditte.example`,
  customerCode: `880000000${n}`,
  contracts: [`38000000${n}1`, `38000000${n}2`],
}));
interface Upstream {
  readonly portal: RunningPortal;
  readonly url: string;
}

const months = ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];

/**
 * A step retried while its process is killed under it: the balancer answers 502, or resets the
 * connection when the process dies with the answer half sent (as a real balancer does).
 */
async function through<T extends { statusCode?: number; status?: number }>(
  step: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const response = await step().catch((error: unknown) => {
      const reset = (error as { cause?: { code?: string } }).cause?.code === 'ECONNRESET';
      if (!reset || attempt >= 10) throw error;
      return null;
    });
    if (response && ((response.statusCode ?? response.status) !== 502 || attempt >= 10))
      return response;
    await sleep(300);
  }
}

/**
 * Three portal processes on one PostgreSQL behind a round-robin balancer, nothing sticky: the
 * declarants register, are approved, file their declarations, and Bari's officer files months,
 * while the processes are killed (kill -9) one at a time and started again. Then every filing
 * that was acknowledged is there, every mail went out, every copy of record was made once, the
 * protocol numbers run without a gap, and every projection reaches the head of the log.
 */
describe.skipIf(!postgresUrl())(
  postgresUrl()
    ? 'postgres: three portal processes behind a balancer, killed one at a time'
    : 'three portal processes behind a balancer (skipped: no PostgreSQL server, set DATABASE_URL)',
  { timeout: 600_000 },
  () => {
    let test: TestDatabase;
    let store: EventStore;
    let dataDir: string;
    let proxy: RoundRobinProxy;
    let smtp: SmtpTestServer;
    let env: Record<string, string>;
    const processes: Upstream[] = [];
    const kills: number[] = [];
    const acknowledged = { declarations: [] as string[], months: [] as string[] };
    /** Months whose filing was taken by a process killed before it answered. */
    const answerLost: string[] = [];

    const cli = async (args: string[]) => {
      const result = await runCliProcess(args, env);
      expect(result.code, result.stderr + result.stdout).toBe(0);
    };
    /**
     * A portal process on a port of its own: the balancer's upstream. (Its banner shows
     * PUBLIC_URL, the balancer's address, as the links in its mails do.)
     */
    const startProcess = async (): Promise<Upstream> => {
      const port = await freePort();
      return {
        portal: await startPortal({ ...env, PORT: String(port) }),
        url: `http://127.0.0.1:${port}`,
      };
    };
    /** Process `index` killed with SIGKILL, then started again. */
    const killAndRestart = async (index: number) => {
      const victim = processes[index]!.portal;
      const exited = new Promise((resolve) => victim.process.once('exit', resolve));
      victim.process.kill('SIGKILL');
      await exited;
      kills.push(index);
      processes[index] = await startProcess();
      proxy.upstreams = processes.map((each) => each.url);
    };

    beforeAll(async () => {
      test = await openTestDatabase('postgres');
      store = createPostgresEventStore(test.database);
      dataDir = mkdtempSync(join(tmpdir(), 'dichiara-processi-'));
      proxy = await startRoundRobinProxy();
      smtp = await startSmtpServer();
      env = {
        NODE_ENV: 'development',
        DATABASE_URL: test.url!,
        DATA_DIR: dataDir,
        PUBLIC_URL: proxy.url,
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        MAIL_FROM: 'Dichiara <noreply@dichiara.example>',
      };
      // Started at once on one empty DATA_DIR: they must agree on the secrets made there.
      processes.push(...(await Promise.all([0, 1, 2].map(startProcess))));
      proxy.upstreams = processes.map((each) => each.url);
      await seedRegistry(
        test.database.db,
        declarants.flatMap((d, i) =>
          d.contracts.map((c): [string, string, string] => [d.customerCode, c, `Ditta ${i} SPA`]),
        ),
      );
      await cli([
        'users:create',
        '--role',
        'operator',
        '--username',
        'olga',
        '--name',
        'Olga Operatrice',
        '--email',
        'olga@gestore.example',
        '--password',
        'Operatore-2026',
      ]);
      await cli(['campaigns:open', '--year', String(year), '--deadline', `${year + 1}-01-31`]);
      await cli([
        'observatory:assign',
        '--istat',
        '072006',
        '--fiscal-code',
        demoOfficerBari.fiscalCode,
        '--email',
        'ambiente@comune.bari.it',
        '--reason',
        'Richiesta del comune',
      ]);
    });
    afterAll(async () => {
      await Promise.all(processes.map((each) => each.portal.stop()));
      await proxy?.close();
      await smtp?.close();
      await store?.close();
      await test?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('registers and approves the declarants, each request to the next process', async () => {
      const operator = new TestClient(proxy.url);
      expect(
        (await operator.post('/accesso', { username: 'olga', password: 'Operatore-2026' }))
          .statusCode,
      ).toBe(303);
      for (const declarant of declarants) {
        const person = new TestClient(proxy.url);
        await person.get('/registrazione/ditta');
        const fields = registrationFields(
          {
            username: declarant.username,
            password,
            fullName: `Referente ${declarant.username}`,
            email: declarant.email,
          },
          [{ customerCode: declarant.customerCode, contracts: declarant.contracts }],
        );
        expect((await person.post('/registrazione/ditta', fields)).statusCode).toBe(303);
        // Queued by the mail reactor of the process that leads, once it applied the registration.
        const code = await eventually(
          `the code mailed to ${declarant.email}`,
          () => otpFromMail(test.database.db, declarant.email).catch(() => null),
          10_000,
        );
        expect((await person.post('/registrazione/verifica', { code })).statusCode).toBe(303);
        const { account_id: id } = await test.database.db
          .selectFrom('accounts')
          .select('account_id')
          .where('username', '=', declarant.username)
          .executeTakeFirstOrThrow();
        // The operator's list, read on another process, once the leader applied the confirmation.
        await eventually(
          `${declarant.username} on the operator's list`,
          async () =>
            (await operator.get('/operatori/registrazioni')).body.includes(declarant.username),
          10_000,
        );
        expect(
          (await operator.post(`/operatori/registrazioni/${id}/approva`, { note: '' })).statusCode,
        ).toBe(303);
      }
      // The pages were served by the three processes in turn.
      expect([...proxy.answered.values()].every((count) => count > 5)).toBe(true);
    });

    it('takes the filings while the processes are killed one at a time', async () => {
      const clients = new Map<string, TestClient>();
      for (const declarant of declarants) {
        const client = new TestClient(proxy.url);
        await client.post('/accesso', { username: declarant.username, password });
        clients.set(declarant.username, client);
      }
      const officer = new HttpBrowser(proxy.url);
      await loginWithIdentity(officer, demoOfficerBari);

      /** Upload, «Validazione», INVIA: each step tried again while a killed process loses it. */
      const fileDeclaration = async (client: TestClient, contract: string, email: string) => {
        const base = `/dichiarazioni/${year}/${contract}`;
        for (let attempt = 0; attempt < 20; attempt++) {
          if (attempt > 0) await sleep(500);
          await through(() => client.get(base));
          const workbook = await filledTemplate(client, base, 'dichiarazione').catch(() => null);
          if (!workbook) continue;
          const uploaded = await through(() =>
            client.postMultipart(
              base,
              { visionato: 'si', 'email-notifica': email },
              { dichiarazione: { filename: 'dichiarazione.xlsx', content: workbook } },
            ),
          );
          if (uploaded.statusCode !== 303) continue;
          const validation = await through(() => client.get(`${base}/validazione`));
          const commandId = commandIdOf(validation.body);
          if (!commandId) continue;
          // INVIA again with the same command id until it is answered: never a second filing.
          const sent = await through(() =>
            client.post(`${base}/invia`, { commandId, ...certifiedSending() }),
          );
          if (sent.statusCode === 303 && sent.headers.location === `${base}/risultato`)
            return acknowledged.declarations.push(contract);
        }
      };
      const fileMonth = async (month: string) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          if (attempt > 0) await sleep(500);
          await through(() => officer.get(`/osservatorio/comune/${month}`));
          const filed = await through(() =>
            officer.post(`/osservatorio/comune/${month}`, {
              ...firstRowFields(glassRow),
              azione: 'invia',
            }),
          );
          if (filed.status === 303) return acknowledged.months.push(month);
          // Refused (409) because an earlier try was taken though its answer was lost: it is filed.
          if (filed.status === 409 && /è già stato inviato/.test(filed.body))
            return answerLost.push(month);
        }
      };

      // Three rounds, each with a process killed while its work is under way, then restarted.
      const rounds = [
        { contract: 0, months: months.slice(0, 2) },
        { contract: 1, months: months.slice(2, 4) },
        { contract: null, months: months.slice(4) },
      ];
      for (const [index, round] of rounds.entries()) {
        const work = Promise.all([
          ...declarants.map((declarant) =>
            round.contract === null
              ? through(() =>
                  clients
                    .get(declarant.username)!
                    .get(`/dichiarazioni/${year}/${declarant.contracts[0]}/risultato`),
                )
              : fileDeclaration(
                  clients.get(declarant.username)!,
                  declarant.contracts[round.contract]!,
                  declarant.email,
                ),
          ),
          (async () => {
            for (const month of round.months) await fileMonth(month);
          })(),
        ]);
        await sleep(100 + Math.random() * 300);
        const restarted = killAndRestart(index);
        await work;
        await restarted;
      }
      expect(kills).toEqual([0, 1, 2]);
      expect(acknowledged.declarations).toHaveLength(8);
      expect([...acknowledged.months, ...answerLost].sort()).toEqual(months);
    });

    it('serves people in a real browser, each request to the next process', async () => {
      const browser = await launchBrowser();
      try {
        const url = (path: string) => `${proxy.url}${path}`;
        // The officer: SPID through the stand-in, the month filed in the rounds above.
        const officer = await (await browser.newContext({ locale: 'it-IT' })).newPage();
        await logInWithDigitalIdentity(officer, url, demoOfficerBari, async () => {});
        await officer.goto(url('/osservatorio/comune/2026-11'));
        await officer.getByRole('heading', { level: 1, name: /novembre 2026/ }).waitFor();
        await officer.getByRole('status').filter({ hasText: 'Mese inviato' }).waitFor();
        // A declarant: the password form, then the result of a declaration with its number.
        const declarant = await (await browser.newContext({ locale: 'it-IT' })).newPage();
        await declarant.goto(url('/accesso'));
        await declarant.getByLabel(/^Nome utente/).fill(declarants[0]!.username);
        await declarant.getByLabel(/^Password/).fill(password);
        await declarant.getByRole('button', { name: 'Accedi', exact: true }).click();
        await declarant.waitForURL((u) => u.pathname !== '/accesso');
        await declarant.goto(
          url(`/dichiarazioni/${year}/${declarants[0]!.contracts[0]!}/risultato`),
        );
        await expect
          .poll(() => declarant.locator('.protocol-number').textContent())
          .toMatch(new RegExp(`^${year}/\\d{6}$`));
      } finally {
        await browser.close();
      }
    });

    it('has every acknowledged filing once, every mail sent, every copy of record once', async () => {
      const head = (await store.headPosition())!;
      // Every projection at the head of the log, applied by whichever process leads now.
      await expect
        .poll(
          async () => {
            const { rows } = await sql<{ behind: string }>`
              select count(*) as behind from projection_checkpoints
              where (commit_position, prepare_position) < (${head.commit.toString()}::bigint, ${head.prepare.toString()}::bigint)`.execute(
              test.database.db,
            );
            return Number(rows[0]!.behind);
          },
          { timeout: 60_000, interval: 250 },
        )
        .toBe(0);

      const contracts = declarants.flatMap((d) => d.contracts);
      const protocols = await checkProtocolNumbers(store, year, contracts);
      expect(protocols).toMatchObject({
        numbers: 8,
        consecutive: true,
        oneNumberPerContract: true,
      });

      // One copy of record per declaration, stored once.
      for (const contract of contracts) {
        const { events } = await store.readStream(`contract-${contract}`);
        expect(events.filter((event) => event.type === 'CopyOfRecordStored')).toHaveLength(1);
      }
      // Every month filed once, its answer received or not.
      for (const month of months) {
        const { events } = await store.readStream(flowStream.id('072006', month));
        expect(events.filter((event) => event.type === 'MonthlyFlowSubmitted')).toHaveLength(1);
      }

      // Every mail queued went out: sent, and received by the SMTP server; a message received
      // twice (a process killed between the server's answer and the row's update) is the same
      // message, by its Message-ID, for the receiver to drop.
      await expect
        .poll(
          async () =>
            Number(
              (
                await test.database.db
                  .selectFrom('mail_outbox')
                  .select((eb) => eb.fn.countAll<string>().as('left'))
                  .where('status', '!=', 'sent')
                  .executeTakeFirstOrThrow()
              ).left,
            ),
          { timeout: 120_000, interval: 500 },
        )
        .toBe(0);
      const sent = await test.database.db
        .selectFrom('mail_outbox')
        .select(['message_id'])
        .execute();
      const received = new Set(smtp.received.map((mail) => mail.messageId));
      expect(sent.length).toBeGreaterThan(8);
      for (const row of sent) expect(received).toContain(row.message_id);
      expect(smtp.received.length - received.size).toBeLessThanOrEqual(kills.length);
    });

    it('goes on with an auditor’s rebuild in another process when its own is killed', async () => {
      // A log long enough that the rebuild is under way when its process dies.
      for (let n = 0; n < 500; n++)
        await store.appendToStream(
          `bulk-${n}`,
          Array.from({ length: 100 }, (_, i) => ({
            type: 'SampleRecorded',
            data: { i },
            metadata: {
              eventId: crypto.randomUUID(),
              correlationId: 'bulk',
              causationId: null,
              actor: { id: 'system', role: 'system' },
              clientIp: null,
              occurredAt: new Date().toISOString(),
            },
          })),
        );
      // Asked of the first process itself, not through the balancer.
      const operator = new TestClient(processes[0]!.url);
      await operator.post('/accesso', { username: 'olga', password: 'Operatore-2026' });
      const asked = await operator.post('/revisione/proiezioni/stream_index/ricostruisci', {
        motivo: 'Prova di ripresa dopo un arresto',
      });
      expect(asked.statusCode).toBe(303);
      const id = /ricostruzione=([0-9a-f-]{36})/.exec(asked.headers.location!)![1]!;
      const job = () =>
        test.database.db
          .selectFrom('background_jobs')
          .select(['state', 'owner', 'error'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
      const killedOwner = (await job()).owner;
      await killAndRestart(0);
      expect((await job()).state, 'the rebuild ended before its process was killed').toBe(
        'running',
      );

      // Within a minute another process runs it again, to its end, under the same id.
      await expect
        .poll(async () => (await job()).state, { timeout: 90_000, interval: 500 })
        .toBe('done');
      expect((await job()).owner).not.toBe(killedOwner);
      const viewer = new TestClient(proxy.url);
      await viewer.post('/accesso', { username: 'olga', password: 'Operatore-2026' });
      const page = await viewer.get(`/revisione/proiezioni/ricostruzioni/${id}/avanzamento`);
      expect(page.body).toMatch(/Completata: [\d.]+ eventi rielaborati\./);
      const { rows } = await sql<{ missing: string }>`
        select count(*) as missing from streams s
        where not exists (select 1 from stream_index i where i.stream_id = s.stream_id)`.execute(
        test.database.db,
      );
      expect(Number(rows[0]!.missing)).toBe(0);
    });
  },
);
