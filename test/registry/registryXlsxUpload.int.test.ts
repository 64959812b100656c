import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOperator,
  operatorLogin,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import {
  altered,
  header,
  registryWorkbook,
  valid,
  withSharedStrings,
} from './support/registryWorkbooks.js';

/** An .xlsx the registry cannot take is refused with its message, and nothing is recorded. */
describe('registry .xlsx upload by the operators', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
  });
  afterAll(async () => ctx.close());

  const unescaped = (html: string) =>
    html.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  const upload = async (content: Buffer) => {
    const client = await signedIn(ctx, operatorLogin);
    await client.get('/operatori/anagrafica');
    return client.postMultipart(
      '/operatori/anagrafica',
      {},
      { file: { filename: 'anagrafica.xlsx', content } },
    );
  };
  const recorded = async () => ({
    events: (await ctx.store.readStream('registry-imports')).events.length,
    pairs: (await ctx.test.database.db.selectFrom('utility_registry').selectAll().execute()).length,
  });

  it('refuses macros, a header without rows and a million shared strings in 7 kB', async () => {
    const before = await recorded();
    const cases = [
      [
        altered(await valid(), undefined, { 'xl/vbaProject.bin': new Uint8Array([1]) }),
        'Il file contiene macro (xl/vbaProject.bin).',
      ],
      [await registryWorkbook([header]), 'Il file Excel non contiene righe di dati'],
      [
        withSharedStrings(await valid(), '<si/>'.repeat(1_000_000)),
        'Il file è compresso più di 400 volte (xl/sharedStrings.xml)',
      ],
    ] as const;
    for (const [content, message] of cases) {
      const response = await upload(content);
      expect(response.statusCode, message).toBe(422);
      expect(unescaped(response.body), message).toContain(message);
    }
    expect(await recorded()).toEqual(before);
  });

  it('imports a valid workbook and records it once', async () => {
    const before = await recorded();
    const response = await upload(await valid());
    expect(response.statusCode).toBe(200);
    expect(await recorded()).toEqual({ events: before.events + 1, pairs: before.pairs + 1 });
  });
});
