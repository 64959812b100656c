import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import {
  demoOfficerBari,
  demoOfficerLecce,
  demoUnassociated,
  demoWithoutFiscalCode,
} from '../../../src/dev/demoIdentities.js';
import { requireIdentity } from '../../../src/observatory/identity/requestIdentity.js';
import {
  HttpBrowser,
  listenOnFreePort,
  loginWithIdentity,
  reachCallback,
} from '../../support/identityLogin.js';
import { backends } from '../../support/testDatabase.js';
import {
  type TestApp,
  settle,
  startTestApp,
  testSeal,
  testTagKey,
  testWitness,
} from '../../support/testApp.js';

describe.each(backends())('%s: SPID/CIE login through the local OpenID provider', (backend) => {
  let ctx: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    // Test-only pages: what the auth hook made of the session, and a page needing an identity.
    ctx.app.get('/prova/identita', async (request) => ({ identity: request.identity }));
    ctx.app.get('/prova/riservata', { preHandler: requireIdentity() }, async () => 'riservata');
    baseUrl = await listenOnFreePort(ctx.app);
  });
  afterAll(async () => ctx?.close());

  const sessionsOf = (fiscalCode: string) =>
    ctx.test.database.db
      .selectFrom('sessions')
      .selectAll()
      .where('account_id', '=', `cf:${fiscalCode}`)
      .execute();
  const eventsOf = async (fiscalCode: string) =>
    (await ctx.store.readStream(`digital-identity-${fiscalCode}`)).events;
  const identityOf = async (browser: HttpBrowser) =>
    (JSON.parse((await browser.get('/prova/identita')).body) as { identity: unknown }).identity;

  it('asks the provider for a code with PKCE (S256), state and nonce, kept in a signed HttpOnly cookie', async () => {
    const browser = new HttpBrowser(baseUrl);
    const start = await browser.get('/osservatorio/accesso');
    expect(start.status).toBe(303);
    const authorization = new URL(start.location!);
    expect(authorization.origin + authorization.pathname).toBe(`${baseUrl}/spid-locale/auth`);
    const params = authorization.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toBeTruthy();
    expect(params.get('nonce')).toBeTruthy();
    expect(params.get('redirect_uri')).toBe(`${baseUrl}/osservatorio/callback`);
    expect(params.get('acr_values')).toBe('https://www.spid.gov.it/SpidL2');
    const cookie = start.headers.getSetCookie().find((line) => line.startsWith('dichiara-oidc='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/osservatorio\/callback/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toContain(params.get('state')!); // signed and encoded, not the bare state
  });

  it('shows its own Italian picker of the demo identities, without inline scripts or styles', async () => {
    const browser = new HttpBrowser(baseUrl);
    const start = await browser.get('/osservatorio/accesso');
    const picker = await browser.follow(start.location!);
    expect(picker.status).toBe(200);
    expect(picker.body).toContain('Entra con SPID / CIE (ambiente dimostrativo)');
    expect(picker.body).toContain(demoOfficerBari.fiscalCode);
    expect(picker.body).not.toMatch(/<script(?![^>]*\bsrc=)|<style|\sstyle=/);
    expect(picker.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('answers an interaction of another browser, or a gone one, with a 400 page', async () => {
    const owner = new HttpBrowser(baseUrl);
    const start = await owner.get('/osservatorio/accesso');
    const picker = await owner.follow(start.location!);
    const stranger = new HttpBrowser(baseUrl);
    for (const url of [picker.url, '/spid-locale/interaction/inesistente']) {
      const page = await stranger.get(url);
      expect(page.status, url).toBe(400);
      expect(page.body).toContain('La richiesta di accesso è scaduta');
    }
  });

  it('answers a malformed interaction address with the same Italian page, never the provider’s bare 404', async () => {
    const browser = new HttpBrowser(baseUrl);
    await browser.follow('/osservatorio/accesso'); // a picker page: the form token for the POST
    const tooLong = `/spid-locale/interaction/${'x'.repeat(101)}`;
    const pages = [
      await browser.get(tooLong),
      await browser.get('/spid-locale/interaction/inesistente/'),
      await browser.get('/spid-locale/interaction/inesistente/altro'),
      await browser.post(`${tooLong}/accedi`, { identita: demoOfficerBari.sub }),
    ];
    for (const page of pages) {
      expect(page.status, page.url).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.body).toContain('La richiesta di accesso è scaduta');
      expect(page.body).toContain('href="/osservatorio/accesso"');
    }
  });

  it('logs a demo identity in: a cf: session, the login recorded with the client IP, then /osservatorio', async () => {
    const browser = new HttpBrowser(baseUrl);
    const callback = await loginWithIdentity(browser, demoOfficerBari);
    expect(callback.location).toBe(`${baseUrl}/osservatorio`);

    const sessions = await sessionsOf(demoOfficerBari.fiscalCode);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ client_ip: '127.0.0.1', revoked_at: null });

    const [event, ...others] = await eventsOf(demoOfficerBari.fiscalCode);
    expect(others).toEqual([]);
    expect(event?.type).toBe('DigitalIdentityLoggedIn');
    expect(event?.data).toEqual({
      fiscalCode: 'RSSMRA80A01A662A',
      givenName: 'Mario',
      familyName: 'Rossi',
      email: 'mario.rossi@comune.bari.it',
      issuer: `${baseUrl}/spid-locale`,
      level: 2,
    });
    expect(event?.metadata.clientIp).toBe('127.0.0.1');
    expect(event?.metadata.actor).toEqual({
      id: 'cf:RSSMRA80A01A662A',
      role: 'digital-identity',
    });

    await settle(ctx); // the names come from the read model
    expect(await identityOf(browser)).toEqual({
      fiscalCode: 'RSSMRA80A01A662A',
      givenName: 'Mario',
      familyName: 'Rossi',
    });
  });

  it('sends a visitor of a page needing an identity to the login, and back to that page after', async () => {
    const browser = new HttpBrowser(baseUrl);
    const page = await browser.get('/prova/riservata');
    expect(page.status).toBe(303);
    expect(page.location).toBe(`${baseUrl}/osservatorio/accesso?dopo=%2Fprova%2Friservata`);
    const callback = await browser.get(
      await reachCallback(browser, demoOfficerLecce.sub, page.location!),
    );
    expect(callback.location).toBe(`${baseUrl}/prova/riservata`);
    expect((await browser.get('/prova/riservata')).body).toBe('riservata');
  });

  it('refuses a login at SPID level 1 with an Italian page, recording nothing', async () => {
    const browser = new HttpBrowser(baseUrl);
    const callback = await browser.get(
      await reachCallback(browser, demoUnassociated.sub, undefined, '1'),
    );
    expect(callback.status).toBe(403);
    expect(callback.body).toContain('L’accesso è avvenuto con SPID di livello 1');
    expect(callback.body).toContain('serve il livello 2 o superiore');
    expect(await sessionsOf(demoUnassociated.fiscalCode)).toEqual([]);
    expect(await eventsOf(demoUnassociated.fiscalCode)).toEqual([]);
    expect(await identityOf(browser)).toBeNull();
  });

  it('accepts a login at SPID level 3', async () => {
    const browser = new HttpBrowser(baseUrl);
    const callback = await browser.get(
      await reachCallback(browser, demoOfficerLecce.sub, undefined, '3'),
    );
    expect(callback.status).toBe(303);
    expect(await identityOf(browser)).toMatchObject({ fiscalCode: demoOfficerLecce.fiscalCode });
    const logins = await eventsOf(demoOfficerLecce.fiscalCode);
    expect(logins.at(-1)?.data).toMatchObject({ level: 3 });
  });

  it('refuses a callback whose state was tampered with', async () => {
    const browser = new HttpBrowser(baseUrl);
    const callbackUrl = new URL(await reachCallback(browser, demoUnassociated.sub));
    callbackUrl.searchParams.set('state', `${callbackUrl.searchParams.get('state')}x`);
    const callback = await browser.get(callbackUrl.href);
    expect(callback.status).toBe(403);
    expect(callback.body).toContain('non corrisponde alla richiesta partita da questo browser');
    expect(await sessionsOf(demoUnassociated.fiscalCode)).toEqual([]);
    expect(await identityOf(browser)).toBeNull();
  });

  it('refuses an ID token whose nonce is not the one this browser’s login asked for', async () => {
    const browser = new HttpBrowser(baseUrl);
    const start = await browser.get('/osservatorio/accesso');
    const authorization = new URL(start.location!);
    expect(authorization.searchParams.get('nonce')).toBeTruthy();
    // State and PKCE stay this browser's: only the nonce the provider puts in the token differs.
    authorization.searchParams.set('nonce', 'nonce-di-un-altro-accesso');
    const toInteraction = await browser.get(authorization.href);
    const picker = await browser.get(toInteraction.location!);
    expect(picker.status).toBe(200);
    const chosen = await browser.post(`${new URL(picker.url).pathname}/accedi`, {
      identita: demoUnassociated.sub,
    });
    let hop = await browser.get(chosen.location!);
    for (let hops = 0; hop.location && !hop.location.includes('/osservatorio/callback'); hops++) {
      if (hops > 5) throw new Error('The provider did not come back to the portal');
      hop = await browser.get(hop.location);
    }
    const callbackUrl = new URL(hop.location!);
    expect(callbackUrl.searchParams.get('code')).toBeTruthy();
    const callback = await browser.get(callbackUrl.href);
    expect(callback.status).toBe(403);
    expect(callback.body).toContain('non ha superato i controlli di sicurezza');
    expect(await sessionsOf(demoUnassociated.fiscalCode)).toEqual([]);
    expect(await eventsOf(demoUnassociated.fiscalCode)).toEqual([]);
    expect(await identityOf(browser)).toBeNull();
  });

  it('refuses a callback replayed in another browser, whose own login has another state', async () => {
    const victim = new HttpBrowser(baseUrl);
    const callbackUrl = await reachCallback(victim, demoUnassociated.sub);
    const attacker = new HttpBrowser(baseUrl);
    await attacker.get('/osservatorio/accesso');
    const replay = await attacker.get(callbackUrl);
    expect(replay.status).toBe(403);
    expect(await sessionsOf(demoUnassociated.fiscalCode)).toEqual([]);
  });

  it('refuses a stolen code injected into another login: its PKCE verifier does not match', async () => {
    const victim = new HttpBrowser(baseUrl);
    const stolen = new URL(await reachCallback(victim, demoUnassociated.sub));
    const attacker = new HttpBrowser(baseUrl);
    const start = await attacker.get('/osservatorio/accesso');
    const attackerState = new URL(start.location!).searchParams.get('state')!;
    // The state now matches the attacker's own flow: only PKCE stands in the way.
    stolen.searchParams.set('state', attackerState);
    const injected = await attacker.get(stolen.href);
    expect(injected.status).toBe(403);
    expect(injected.body).toContain('non è stato emesso per questo browser');
    expect(await sessionsOf(demoUnassociated.fiscalCode)).toEqual([]);
  });

  it('the provider refuses an authorization request without a PKCE challenge', async () => {
    const browser = new HttpBrowser(baseUrl);
    const start = await browser.get('/osservatorio/accesso');
    const authorization = new URL(start.location!);
    authorization.searchParams.delete('code_challenge');
    authorization.searchParams.delete('code_challenge_method');
    const answer = await browser.get(authorization.href);
    expect(answer.status).toBe(303);
    const back = new URL(answer.location!);
    expect(back.pathname).toBe('/osservatorio/callback');
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('code')).toBeNull();
    const callback = await browser.get(back.href);
    expect(callback.status).toBe(403);
  });

  it('refuses an authorization code used a second time, even with the right cookie', async () => {
    const browser = new HttpBrowser(baseUrl);
    const callbackUrl = await reachCallback(browser, demoOfficerLecce.sub);
    const copy = new HttpBrowser(baseUrl);
    copy.copyCookie('dichiara-oidc', browser);
    const before = (await sessionsOf(demoOfficerLecce.fiscalCode)).length;
    expect((await browser.get(callbackUrl)).status).toBe(303);
    const reuse = await copy.get(callbackUrl);
    expect(reuse.status).toBe(403);
    expect(reuse.body).toContain('è già stato usato');
    expect(await sessionsOf(demoOfficerLecce.fiscalCode)).toHaveLength(before + 1);
  });

  it('refuses a callback with no login started in this browser (400)', async () => {
    const browser = new HttpBrowser(baseUrl);
    const callbackUrl = await reachCallback(browser, demoUnassociated.sub);
    const stranger = new HttpBrowser(baseUrl);
    const callback = await stranger.get(callbackUrl);
    expect(callback.status).toBe(400);
    expect(callback.body).toContain('non è partito da questo browser');
  });

  it('refuses an identity without a fiscal code', async () => {
    const browser = new HttpBrowser(baseUrl);
    const callback = await browser.get(await reachCallback(browser, demoWithoutFiscalCode.sub));
    expect(callback.status).toBe(403);
    expect(callback.body).toContain('codice fiscale italiano valido');
    expect(callback.headers.get('set-cookie') ?? '').not.toContain('dichiara-session=');
    expect(await identityOf(browser)).toBeNull();
  });

  it('cancelled on the provider, the login ends on an Italian page', async () => {
    const browser = new HttpBrowser(baseUrl);
    const start = await browser.get('/osservatorio/accesso');
    const picker = await browser.follow(start.location!);
    const cancelled = await browser.post(`${new URL(picker.url).pathname}/annulla`);
    const back = await browser.follow(cancelled.location!);
    expect(back.status).toBe(403);
    expect(back.body).toContain('L’accesso è stato annullato');
  });

  it('logs out: the session is revoked and the logout recorded', async () => {
    const browser = new HttpBrowser(baseUrl);
    await loginWithIdentity(browser, demoUnassociated);
    expect(await identityOf(browser)).toMatchObject({ fiscalCode: demoUnassociated.fiscalCode });
    const logout = await browser.post('/osservatorio/esci');
    expect(logout.status).toBe(303);
    expect(logout.location).toBe(`${baseUrl}/`);
    const sessions = await sessionsOf(demoUnassociated.fiscalCode);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.revoked_at).toBeInstanceOf(Date);
    expect(await identityOf(browser)).toBeNull();
    const types = (await eventsOf(demoUnassociated.fiscalCode)).map((event) => event.type);
    expect(types).toEqual(['DigitalIdentityLoggedIn', 'DigitalIdentityLoggedOut']);
  });

  it('limits the callbacks per IP address', async () => {
    const browser = new HttpBrowser(baseUrl);
    let status = 0;
    for (let hit = 0; hit < 31 && status !== 429; hit++) {
      status = (await browser.get('/osservatorio/callback?code=x&state=y')).status;
    }
    expect(status).toBe(429);
  });
});

describe('with OIDC_ISSUER (production)', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => ctx?.close());

  it('does not mount the local provider', async () => {
    const app = await buildApp({
      config: loadConfig({
        NODE_ENV: 'production',
        COOKIE_SECRET: 'p'.repeat(32),
        SEAL_PRIVATE_KEY: 'pem',
        PERSONAL_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
        SMTP_URL: 'smtp://127.0.0.1:2525',
        OIDC_ISSUER: 'https://identita.example.it',
        OIDC_CLIENT_ID: 'dichiara',
        OIDC_CLIENT_SECRET: 'segreto',
      }),
      logger: pino({ level: 'silent' }),
      clock: () => new Date(),
      database: ctx.test.database,
      eventStore: ctx.store,
      projections: ctx.projections,
      cookieSecret: 'p'.repeat(32),
      sealPublicKey: testSeal.publicKey,
      eventTagKey: testTagKey,
      headWitness: testWitness(),
    });
    try {
      for (const url of [
        '/spid-locale/.well-known/openid-configuration',
        '/spid-locale/interaction/abc',
      ]) {
        expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
      }
    } finally {
      await app.close();
    }
  });
});
