import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/platform/db/database.js';
import { runCli } from '../support/cli.js';
import { migratedDataDir } from '../support/testDatabase.js';
import { TestClient } from '../support/client.js';
import {
  createOperator,
  operatorLogin,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

const csv = Buffer.from(
  'codice;contratto;ragione sociale;indirizzo\n1001234567;3001234567;Test SRL;Via Vai 1\nxx;3001234568;Errata SRL;Via Vai 2\n',
);

describe('registry import by the operators', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
  });
  afterAll(async () => ctx.close());

  const operator = () => signedIn(ctx, operatorLogin);

  it('imports a CSV, reports the rejected rows, and records the file hash in the log', async () => {
    const client = await operator();
    await client.get('/operatori/anagrafica');
    const response = await client.postMultipart(
      '/operatori/anagrafica',
      {},
      { file: { filename: 'anagrafica.csv', content: csv, contentType: 'text/csv' } },
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('importata 1 coppia, scartata 1 riga');
    expect(response.body).toContain('Riga 3: codice cliente &quot;xx&quot; non di 10 cifre');
    const pairs = await ctx.test.database.db.selectFrom('utility_registry').selectAll().execute();
    expect(pairs.map((row) => row.contract_number)).toEqual(['3001234567']);
    const { events } = await ctx.store.readStream('registry-imports');
    expect(events.at(-1)?.data).toMatchObject({
      fileName: 'anagrafica.csv',
      accepted: 1,
      rejected: 1,
    });
  });

  it('refuses a file of another type, storing nothing', async () => {
    const client = await operator();
    await client.get('/operatori/anagrafica');
    const pdf = await client.postMultipart(
      '/operatori/anagrafica',
      {},
      { file: { filename: 'anagrafica.pdf', content: Buffer.from('%PDF-1.4') } },
    );
    expect(pdf.statusCode).toBe(422);
    expect(pdf.body).toContain('Il file deve essere in formato CSV o Excel (.xlsx).');
    const fake = await client.postMultipart(
      '/operatori/anagrafica',
      {},
      { file: { filename: 'anagrafica.xlsx', content: Buffer.from('testo') } },
    );
    expect(fake.body).toContain('Il file non è un file Excel .xlsx valido.');
  });

  it('is closed to declarants and needs the CSRF token', async () => {
    const visitor = new TestClient(ctx.app);
    expect((await visitor.get('/operatori/anagrafica')).statusCode).toBe(303);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/operatori/anagrafica',
      payload: 'x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('npm run cli -- registry:import and companies:invite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dichiara-registry-'));
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await migratedDataDir('registry');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a file into the embedded database and reports the rejected rows', async () => {
    writeFileSync(join(dir, 'anagrafica.csv'), csv);
    const result = await runCli(['registry:import', join(dir, 'anagrafica.csv')], {
      DATA_DIR: dataDir,
    });
    expect(result.stdout).toContain('Importate 1 coppie codice cliente/contratto; scartate 1.');
    expect(result.stdout).toContain('riga 3: codice cliente "xx" non di 10 cifre');
    expect(result.code).toBe(0);
    const database = await openPglite(join(dataDir, 'pglite'));
    const rows = await database.db
      .selectFrom('utility_registry')
      .select('contract_number')
      .execute();
    await database.close();
    expect(rows).toEqual([{ contract_number: '3001234567' }]);

    const invited = await runCli(
      ['companies:invite', '--customer-code', '1001234567', '--pec', 'test@pec.it'],
      { DATA_DIR: dataDir },
    );
    expect(invited.stdout).toContain('Invitata la ditta 1001234567: nome utente ditta.1001234567');
    expect(invited.code).toBe(0);
    const again = await runCli(
      ['companies:invite', '--customer-code', '1001234567', '--pec', 'test@pec.it'],
      { DATA_DIR: dataDir },
    );
    expect(again.stdout).toContain(
      'Questa ditta ha già un account sul portale: non serve invitarla.',
    );
    expect(again.code).toBe(1);
  });
});
