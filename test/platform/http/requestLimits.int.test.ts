import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../support/client.js';
import {
  createOperator,
  operatorLogin,
  signedIn,
  startTestApp,
  type TestApp,
} from '../../support/testApp.js';

const csvFile = (
  filename: string,
  content = Buffer.from('1001234567;3001234567;A SRL;Via 1\n'),
) => ({
  filename,
  content,
  contentType: 'text/csv',
});

/** A 413 names the limit that was hit, on the Italian error page, and stores nothing. */
describe('request limits', () => {
  let ctx: TestApp;
  let operator: TestClient;
  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/anagrafica');
  });
  afterAll(async () => ctx.close());

  const imports = async () => (await ctx.store.readStream('registry-imports')).events.length;

  it('says "too many files" to 25 files in one request', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [`file-${i}`, csvFile(`anagrafica-${i}.csv`)]),
    );
    const response = await operator.postMultipart('/operatori/anagrafica', {}, files);
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('<html');
    expect(response.body).toContain('Troppi file in una sola richiesta: al massimo 20.');
    expect(response.body).toContain('Limite superato');
    expect(response.body).not.toContain('superano la dimensione massima');
    expect(await imports()).toBe(0);
  });

  it('names a file over 20 MB, its name shown escaped', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 'a');
    const response = await operator.postMultipart(
      '/operatori/anagrafica',
      {},
      { file: csvFile('anagrafica Caffè & Co.csv', big) },
    );
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain(
      'Il file &quot;anagrafica Caffè &amp; Co.csv&quot; supera la dimensione massima di 20 MB.',
    );
    expect(await imports()).toBe(0);
  });

  it('says "too many fields" to 201 fields', async () => {
    const fields = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`campo-${i}`, 'x']));
    const response = await operator.postMultipart('/operatori/anagrafica', fields, {});
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('Troppi campi in una sola richiesta: al massimo 200.');
  });

  it('names the limit of a form too large', async () => {
    const client = new TestClient(ctx.app);
    const response = await client.post('/accesso', {
      username: 'mario',
      password: 'x'.repeat(1024 * 1024),
    });
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('I dati inviati superano la dimensione massima di 1 MB.');
  });
});
