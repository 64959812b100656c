import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrationFields } from '../../support/accounts.js';
import { TestClient } from '../../support/client.js';
import { startTestApp, type TestApp } from '../../support/testApp.js';

describe('form bodies no page of ours posts', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => ctx.close());

  const eventCount = async () =>
    (
      await ctx.test.database.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it('refuses __proto__ in a field name with an Italian 422 page, polluting nothing', async () => {
    const before = await eventCount();
    const response = await new TestClient(ctx.app).post(
      '/registrazione/studio',
      registrationFields({
        '__proto__[polluted]': 'yes',
        'constructor[prototype][polluted]': 'yes',
      }),
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('<html');
    expect(response.body).toContain('Il modulo contiene un campo non valido.');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await eventCount()).toBe(before);
  });

  it('refuses a row index in the billions at once, as an alert for htmx', async () => {
    const started = performance.now();
    const response = await new TestClient(ctx.app).post(
      '/registrazione/studio',
      registrationFields({ 'companies[4000000000][name]': 'X' }),
      { 'hx-request': 'true' },
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).not.toContain('<html');
    expect(response.body).toContain('role="alert"');
    expect(response.body).toContain('Il modulo contiene troppe righe: al massimo 500.');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('still takes a well-formed form with repeated blocks', async () => {
    const response = await new TestClient(ctx.app).post('/registrazione/studio', {
      ...registrationFields(),
      _action: 'add-company',
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Ditta 2');
  });

  it('answers a block posted where text belongs with the field error, not a 500', async () => {
    const fields = registrationFields({ 'companies[0][name][x]': 'X' });
    delete fields['companies[0][name]'];
    const response = await new TestClient(ctx.app).post('/registrazione/studio', fields);
    expect(response.statusCode).toBe(422);
    expect(response.body).toMatch(/id="companies-0-name"[^>]*value=""[^>]*aria-invalid="true"/);
  });
});
