import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationsStream } from '../../src/audit/verifyIntegrity.js';
import { settle, signedIn, startTestApp, type TestApp } from '../support/testApp.js';
import { auditorLogin, auditPeople, type AuditPeople } from './verifySupport.js';

/** Every POST route the app registered, read from fastify's own route tree. */
function postRoutes(tree: string): string[] {
  const parents: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = `${parents[depth - 1] ?? ''}${match[2]}`;
    parents[depth] = path;
    parents.length = depth + 1;
    if (match[3]?.split(', ').includes('POST')) routes.push(path);
  }
  return routes;
}

/** A value for each route parameter, so that the request reaches the route's own guard. */
const parameters: Record<string, string> = {
  id: randomUUID(),
  uid: 'interaction-of-nobody',
  kind: 'ditta',
  name: 'accounts',
  numero: '3001234567',
  contratto: '3001234567',
  anno: '2026',
  mese: '2026-03',
  istat: '072006',
  codiceFiscale: 'RSSMRA80A01A662A',
};

const concrete = (route: string): string =>
  route
    .replace(/:(\w+)/g, (_, name: string) => parameters[name] ?? 'x')
    .replace(/\*$/, 'nessuna-pagina');

/**
 * Routes open to anyone, which an auditor's session reaches as anybody would (its own login,
 * logout, a registration, a password reset, the local SPID stand-in): they may answer otherwise
 * than 403/404, and they still must not add to the record from an empty form.
 */
const openToAnyone = new Set([
  '/accesso',
  '/registrazione/verifica',
  '/registrazione/:kind',
  '/password-dimenticata',
  '/password-dimenticata/codice',
  '/spid-locale/interaction/:uid/accedi',
  '/spid-locale/interaction/:uid/annulla',
  '/profilo',
  '/profilo/conferma-email',
  '/primo-accesso',
]);

/** They end the session (the portal's and the observatory's): posted last, on their own. */
const signOuts = new Set(['/osservatorio/esci', '/esci']);

/** What an auditor may start: reading the record, recorded as IntegrityVerified. */
const verifications = new Set(['/revisione/verifica/flusso', '/revisione/verifica/archivio']);

async function logLength(ctx: TestApp): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from events`.execute(
    ctx.test.database.db,
  );
  return Number(rows[0]!.n);
}

describe('an auditor posting to every POST route', () => {
  let ctx: TestApp;
  let people: AuditPeople;
  let routes: string[];

  beforeAll(async () => {
    ctx = await startTestApp();
    people = await auditPeople(ctx);
    await settle(ctx);
    routes = postRoutes(ctx.app.printRoutes({ method: 'POST', commonPrefix: false }));
  });
  afterAll(() => ctx.close());

  /** A whole-log verification runs on after its answer: followed to its end, as its page does. */
  async function finished(page: string | string[] | undefined): Promise<void> {
    if (typeof page !== 'string' || !/^\/revisione\/verifica\/[0-9a-f-]{36}$/.test(page)) return;
    for (let attempt = 0; attempt < 200; attempt++) {
      const partial = await people.auditor.get(`${page}/avanzamento`, { 'hx-request': 'true' });
      if (!partial.body.includes('hx-trigger')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`The verification at ${page} did not finish`);
  }

  it('finds the routes in fastify itself, new ones included', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toContain('/revisione/proiezioni/:name/ricostruisci');
    expect(routes).toContain('/dichiarazioni/:anno/:contratto/invia');
    expect(routes).toContain('/osservatorio/admin/associazioni/:istat/chiudi');
    for (const route of [...openToAnyone, ...verifications, ...signOuts]) {
      expect(routes).toContain(route);
    }
  });

  it('is refused (403/404) everywhere and changes nothing, but may start a verification', async () => {
    const checked: string[] = [];
    for (const route of routes.filter((r) => !signOuts.has(r))) {
      const before = await logLength(ctx);
      const response = await people.auditor.post(concrete(route), {});
      if (verifications.has(route)) await finished(response.headers.location);
      await settle(ctx);
      const appended = (await logLength(ctx)) - before;
      // Still the auditor: a post that ended the session would leave the rest of the sweep
      // testing a visitor.
      expect((await people.auditor.get('/revisione')).statusCode, `${route} signed out`).toBe(200);
      checked.push(route);
      if (verifications.has(route)) continue;
      expect(appended, `${route} appended ${appended} event(s)`).toBe(0);
      if (openToAnyone.has(route)) continue;
      // The observatory knows digital identities only: a staff session is sent to its login.
      // Its API knows its tokens only: a session without one is a 401.
      const refused =
        [403, 404].includes(response.statusCode) ||
        (route.startsWith('/osservatorio/') &&
          response.statusCode === 303 &&
          response.headers.location === '/osservatorio/accesso') ||
        (route.startsWith('/api/osservatorio/') && response.statusCode === 401);
      expect(refused, `${route} answered ${response.statusCode}`).toBe(true);
    }
    expect(checked).toHaveLength(routes.length - signOuts.size);
  });

  it('signs out, recording only the auditor’s own SignedOut', async () => {
    for (const route of signOuts) {
      const client = await signedIn(ctx, auditorLogin);
      await settle(ctx);
      const before = await logLength(ctx);
      expect((await client.post(route, {})).statusCode).toBe(303);
      await settle(ctx);
      const { events } = await ctx.store.readStream(`signin-${people.auditorId}`);
      const appended = (await logLength(ctx)) - before;
      if (route === '/esci') {
        expect(appended).toBe(1);
        expect(events.at(-1)!.type).toBe('SignedOut');
      } else {
        expect(appended).toBe(0);
      }
    }
  });

  it('starts a verification, recorded as the auditor’s', async () => {
    const before = (await ctx.store.readStream(verificationsStream.id())).version;
    const started = await people.auditor.post('/revisione/verifica/flusso', {
      flusso: `account-${people.auditorId}`,
    });
    expect(started.statusCode).toBe(303);
    const { events } = await ctx.store.readStream(verificationsStream.id());
    expect(events.length).toBe(before + 1);
    expect(events.at(-1)!.metadata.actor).toEqual({ id: people.auditorId, role: 'auditor' });
  });
});
