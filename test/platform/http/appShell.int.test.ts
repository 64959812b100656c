import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from '../../support/events.js';
import { startTestApp, type TestApp } from '../../support/testApp.js';

describe('app shell', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
    ctx.app.post('/test/echo', async (_request, reply) =>
      reply.code(303).header('location', '/').send(),
    );
    ctx.app.get('/test/boom', async () => {
      throw new Error('secret internals: password=hunter2');
    });
  });
  afterAll(async () => ctx.close());

  it('serves the home page in Italian inside the bootstrap-italia layout', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('<html lang="it">');
    expect(response.body).toContain('/assets/bootstrap-italia/css/bootstrap-italia.min.css');
    expect(response.body).toContain('/assets/htmx/htmx.min.js');
    expect(response.body).toContain('Vai al contenuto principale');
    expect(response.headers.vary).toContain('HX-Request');
  });

  it('serves the public instructions and privacy notice, each under its own heading', async () => {
    for (const [url, heading] of [
      ['/istruzioni', 'Istruzioni per la compilazione'],
      ['/privacy', 'Informativa privacy'],
    ] as const) {
      const response = await ctx.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(new RegExp(`<h1[^>]*>\\s*${heading}`));
    }
  });

  it('sets security headers with a CSP that forbids inline scripts', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/' });
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('serves the design system, htmx and our stylesheet locally', async () => {
    for (const url of [
      '/assets/bootstrap-italia/css/bootstrap-italia.min.css',
      '/assets/bootstrap-italia/js/bootstrap-italia.bundle.min.js',
      '/assets/bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2',
      '/assets/bootstrap-italia/svg/sprites.svg',
      '/assets/htmx/htmx.min.js',
      '/assets/app/css/app.css',
    ]) {
      expect((await ctx.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    const outside = await ctx.app.inject({
      method: 'GET',
      url: '/assets/bootstrap-italia/../package.json',
    });
    expect(outside.statusCode).toBe(404);
  });

  it('answers an unknown page with the Italian 404 page', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/non-esiste' });
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('Pagina non trovata');
    expect(response.body).toContain('<html');
  });

  it('answers htmx with an alert fragment retargeted to #flash, not a page', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/non-esiste',
      headers: { 'hx-request': 'true' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('<html');
    expect(response.body).toContain('role="alert"');
    expect(response.headers['hx-retarget']).toBe('#flash');
    expect(response.headers.vary).toContain('HX-Request');
  });

  it('hides internals behind a 500 page carrying the request id', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/test/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('secret internals');
    expect(response.body).toContain('Errore del servizio');
    expect(response.body).toMatch(/codice [0-9a-f-]{36}/);
  });

  it('rejects a form post without a CSRF token and accepts it with one', async () => {
    const refused = await ctx.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Il modulo è scaduto');

    const page = await ctx.app.inject({ method: 'GET', url: '/' });
    const token = /"x-csrf-token": "([^"]+)"/.exec(page.body)?.[1];
    const cookie = page.cookies.find((c) => c.name === 'dichiara-csrf');
    expect(token && cookie).toBeTruthy();
    const accepted = await ctx.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: `name=x&_csrf=${encodeURIComponent(token!)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      cookies: { 'dichiara-csrf': cookie!.value },
    });
    expect(accepted.statusCode).toBe(303);
  });

  it('reports health and readiness', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({
      status: 'ok',
    });
    const ready = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    const body = ready.json<{
      status: string;
      database: string;
      projections: { name: string; state: string }[];
    }>();
    expect(body).toMatchObject({ status: 'ready', database: 'ok', applies: true });
    expect(body.projections.map((p) => [p.name, p.state])).toEqual([
      ['stream_index', 'running'],
      ['merkle_tree', 'running'],
      ['tree_heads', 'running'],
      ['accounts', 'running'],
      ['member_invitations', 'running'],
      ['personal_data_erasure', 'running'],
      ['organisation_founding', 'running'],
      ['refused_sign_ins', 'running'],
      ['contracts', 'running'],
      ['registration_contracts', 'running'],
      ['company_renames', 'running'],
      ['invited_company_contracts', 'running'],
      ['account_mails', 'running'],
      ['contract_mails', 'running'],
      ['campaigns', 'running'],
      ['declarations', 'running'],
      ['declaration_protocols', 'running'],
      ['declaration_mails', 'running'],
      ['digital_identities', 'running'],
      ['observatory_people', 'running'],
      ['waste_flows', 'running'],
      ['observatory_api_tokens', 'running'],
      ['observatory_year_validations', 'running'],
      ['year_send_backs', 'running'],
      ['observatory_mails', 'running'],
      ['flow_receipts', 'running'],
      ['reminders', 'running'],
      ['reminder_mails', 'running'],
    ]);
  });
});

describe('readiness with a failed projection', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp({
      projections: [
        {
          name: 'always_fails',
          apply: () => Promise.reject(new Error('broken read model')),
          tables: [],
        },
      ],
    });
  });
  afterAll(async () => ctx.close());

  it('says not ready and names the failing event', async () => {
    const { position } = await ctx.store.appendToStream('contract-1', [
      newEvent('ContractRegistered'),
    ]);
    expect(await ctx.projections.waitFor(position, 5_000)).toBe(false);
    const ready = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'not-ready',
      projections: [
        { name: 'always_fails', state: 'failed', failure: { streamId: 'contract-1', version: 1 } },
      ],
    });
  });
});
