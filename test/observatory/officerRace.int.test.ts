import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { municipalityStream } from '../../domain/observatory/municipalityOfficer.js';
import { demoObservatoryAdmin } from '../../src/dev/demoIdentities.js';
import { browserLoggedInAs, listenOnFreePort } from '../support/identityLogin.js';
import { settle, startTestApp, type TestApp } from '../support/testApp.js';
import { postgresUrl } from '../support/testDatabase.js';
import { fiscalCode, grantDemoAdmin, officeEmail } from './support.js';

/** Pairs of municipalities an admin assigns one person to, in two requests at once. */
const pairs = [
  ['072006', '075035'], // Bari, Lecce
  ['072004', '073027'], // Altamura, Taranto
  ['074001', '071024'], // Brindisi, Foggia
  ['110001', '072017'], // Andria, Castellana Grotte
  ['075029', '073013'], // Galatina, Martina Franca
  ['071051', '072023'], // San Severo, Gravina in Puglia
];

describe.skipIf(!postgresUrl())(
  postgresUrl()
    ? 'postgres: one person, one municipality, under concurrent assignments'
    : 'one person, one municipality, under concurrent assignments (skipped: no PostgreSQL server)',
  () => {
    let ctx: TestApp;
    let baseUrl: string;
    const now = new Date('2026-11-20T10:00:00Z');

    beforeAll(async () => {
      ctx = await startTestApp({ backend: 'postgres', now: () => now });
      baseUrl = await listenOnFreePort(ctx.app);
      await grantDemoAdmin(ctx.store, now);
      await settle(ctx);
    });
    afterAll(async () => ctx?.close());

    it('lets exactly one of two simultaneous assignments of a fiscal code through', async () => {
      const first = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
      const second = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
      await first.get('/osservatorio/admin');
      await second.get('/osservatorio/admin');
      for (const [index, [a, b]] of pairs.entries()) {
        const person = fiscalCode(`RSSMRA80A0${index + 1}A662`);
        const [one, other] = await Promise.all(
          [a!, b!].map((istat, n) =>
            (n === 0 ? first : second).post('/osservatorio/admin/associazioni', {
              comune: istat,
              codiceFiscale: person,
              email: officeEmail(istat),
            }),
          ),
        );
        const outcomes = [one!, other!].map((response) => response.status).sort();
        expect(outcomes, `round ${index + 1}`).toEqual([303, 422]);
        const refused = [one!, other!].find((response) => response.status === 422)!;
        expect(refused.body).toContain('una persona opera per un solo comune');
        const assigned = [];
        for (const istat of [a!, b!]) {
          const { events } = await ctx.store.readStream(municipalityStream.id(istat));
          if (events.some((event) => event.data.fiscalCode === person)) assigned.push(istat);
        }
        expect(assigned, `round ${index + 1}`).toHaveLength(1);
      }
      await settle(ctx);
      expect(ctx.projections.status().filter((p) => p.state === 'failed')).toEqual([]);
      const rows = await ctx.test.database.db
        .selectFrom('observatory_officers')
        .select(['fiscal_code', 'istat_code'])
        .execute();
      expect(rows).toHaveLength(pairs.length);
      expect(new Set(rows.map((row) => row.fiscal_code)).size).toBe(pairs.length);
    });
  },
);
