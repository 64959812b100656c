import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bidiCharactersMessage,
  controlCharactersMessage,
} from '../../../src/platform/http/text.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../../support/accounts.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../../support/testApp.js';

const nul = 'Mario\u0000Rossi';
const bidi = '\u202Eabc';
const script = '<script>alert(1)</script>';
const escapedScript = '&lt;script&gt;alert(1)&lt;/script&gt;';

/** The message shown beside the input with this id, or null. */
const errorBeside = (body: string, id: string): string | null =>
  new RegExp(`id="${id}-error"[^>]*>([^<]*)<`).exec(body)?.[1] ?? null;

describe("hostile text in the operators' review forms", () => {
  let ctx: TestApp;
  const studio = { username: 'studio.uno', password: 'Segreta-2026' };
  const logSize = async () => (await ctx.store.readAll({ after: null, limit: 100_000 })).length;

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1001234567', '3001234571', 'Euro Oil SRL'],
      ['1002222222', '3002222222', 'Tintoria Po SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, email: 'u@example.com' }),
    );
    const client = await signedIn(ctx, studio);
    await client.get('/contratti/nuovo');
    await client.post('/contratti/nuovo', {
      customerCode: '1001234567',
      companyName: 'Euro Oil SRL',
      'contract[contractNumber]': '3001234571',
      'contract[street]': 'Via Nuova',
      'contract[civic]': '5',
      'contract[cap]': '40100',
      'contract[province]': 'BO',
      'contract[municipality]': 'Bologna',
      currentPassword: studio.password,
    });
    await settle(ctx);
  });
  afterAll(async () => ctx.close());

  it('refuses a control or bidi character in an invitation, beside its field, inviting no one', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/inviti');
    await settle(ctx);
    const before = await logSize();
    const withNul = await operator.post('/operatori/inviti', {
      customerCode: `1002222222${nul}`,
      pec: 'tintoria@pec.example',
    });
    expect(withNul.statusCode).toBe(422);
    expect(errorBeside(withNul.body, 'customerCode')).toBe(controlCharactersMessage);
    const withBidi = await operator.post('/operatori/inviti', {
      customerCode: '1002222222',
      pec: `${bidi}@pec.example`,
    });
    expect(withBidi.statusCode).toBe(422);
    expect(errorBeside(withBidi.body, 'pec')).toBe(bidiCharactersMessage);
    const withHtml = await operator.post('/operatori/inviti', {
      customerCode: '1002222222',
      pec: script,
    });
    expect(withHtml.statusCode).toBe(422);
    expect(withHtml.body).toContain(`value="${escapedScript}"`);
    expect(withHtml.body).not.toContain(script);
    await settle(ctx);
    expect(await logSize()).toBe(before);
  });

  it('refuses a control or bidi character in a rejection reason, beside it, deciding nothing', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/contratti');
    const { version } = await ctx.store.readStream('contract-3001234571');
    for (const [reason, message] of [
      [`Stabilimento ${nul}`, controlCharactersMessage],
      [`Stabilimento ${bidi}`, bidiCharactersMessage],
    ] as const) {
      const response = await operator.post('/operatori/contratti/3001234571/respingi', { reason });
      expect(response.statusCode).toBe(422);
      expect(errorBeside(response.body, 'motivo-3001234571')).toBe(message);
    }
    expect((await ctx.store.readStream('contract-3001234571')).version).toBe(version);
  });

  it('keeps a rejection reason written as HTML and shows it escaped in the history', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/contratti');
    const rejected = await operator.post('/operatori/contratti/3001234571/respingi', {
      reason: `Cessato ${script}`,
    });
    expect(rejected.statusCode).toBe(303);
    const history = await operator.get('/contratti/3001234571/storia');
    expect(history.body).toContain(`Respinto dagli operatori: Cessato ${escapedScript}`);
    expect(history.body).not.toContain(script);
    // Decided already: not a field to correct, a conflict.
    const again = await operator.post('/operatori/contratti/3001234571/respingi', {
      reason: 'Seconda volta',
    });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Questo contratto non è in attesa di convalida.');
  });

  it("keeps a registry file's name without control, bidi or markup characters", async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/anagrafica');
    const response = await operator.postMultipart(
      '/operatori/anagrafica',
      {},
      {
        file: {
          filename: 'ana\u202Egrafica <i>.csv',
          content: Buffer.from('1003333333;3003333333;Lavanderia SRL;Via Po 1\n'),
          contentType: 'text/csv',
        },
      },
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<strong>anagrafica _i_.csv</strong>: importata 1 coppia');
    const { events } = await ctx.store.readStream('registry-imports');
    expect(events.at(-1)?.data).toMatchObject({ fileName: 'anagrafica _i_.csv' });
  });
});
