import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerAndApprove,
  registrationFields,
  seedRegistry,
  certifiedSending,
} from '../support/accounts.js';
import type { TestClient } from '../support/client.js';
import {
  campaignYear,
  commandIdOf,
  filledTemplate,
  openCampaign,
} from '../support/declarations.js';
import {
  createOperator,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { postgresUrl } from '../support/testDatabase.js';

const contracts = Array.from({ length: 12 }, (_, i) => String(3008880001 + i));

/** INVIA pressed at the same moment for many contracts, on PostgreSQL's real concurrency. */
describe.skipIf(!postgresUrl())('postgres: concurrent submissions through the routes', () => {
  let ctx: TestApp;
  const studio = { username: 'studio.neri', password: 'Segreta-2026' };

  beforeAll(async () => {
    ctx = await startTestApp({ backend: 'postgres', now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(
      ctx.test.database.db,
      contracts.map((c) => ['1008880000', c, 'Conserve Neri SRL'] as [string, string, string]),
    );
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, fullName: 'Nora Neri', email: 'neri@studio.example' }, [
        { customerCode: '1008880000', contracts },
      ]),
    );
    await openCampaign(ctx);
  });
  afterAll(async () => ctx.close());

  it('gives every submission its own number of the year, from 1 and without gaps, once each', async () => {
    // Three browser sessions of the consultant, each with its share of the drafts.
    const sessions: TestClient[] = [];
    for (let i = 0; i < 3; i++) sessions.push(await signedIn(ctx, studio));
    const drafts: { client: TestClient; contract: string; commandId: string }[] = [];
    for (const [i, contract] of contracts.entries()) {
      const client = sessions[i % sessions.length]!;
      const base = `/dichiarazioni/${campaignYear}/${contract}`;
      await client.get(base);
      const uploaded = await client.postMultipart(
        base,
        { visionato: 'si', 'email-notifica': 'neri@studio.example' },
        {
          dichiarazione: {
            filename: 'dichiarazione.xlsx',
            content: await filledTemplate(client, base, 'dichiarazione'),
          },
        },
      );
      expect(uploaded.statusCode, uploaded.body).toBe(303);
      drafts.push({
        client,
        contract,
        commandId: commandIdOf((await client.get(`${base}/validazione`)).body),
      });
    }

    // Every INVIA at once, a third of them pressed twice.
    const presses = drafts.flatMap((draft, i) => (i % 3 === 0 ? [draft, draft] : [draft]));
    const responses = await Promise.all(
      presses.map(({ client, contract, commandId }) =>
        client.post(`/dichiarazioni/${campaignYear}/${contract}/invia`, {
          commandId,
          ...certifiedSending(),
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(presses.map(() => 303));
    await settle(ctx);

    const expected = contracts.map((_, n) => `2025/${String(n + 1).padStart(6, '0')}`);
    const register = await ctx.store.readStream(`protocol-register-${campaignYear}`);
    expect(register.events.map((e) => e.data.number)).toEqual(
      register.events.map((e) => e.version),
    );
    expect(register.events.map((e) => e.data.protocolNumber)).toEqual(expected);
    const numbers: string[] = [];
    for (const contract of contracts) {
      const { events } = await ctx.store.readStream(`contract-${contract}`);
      expect(
        events.filter((e) => e.type === 'DeclarationSubmitted'),
        contract,
      ).toHaveLength(1);
      const protocolled = events.filter((e) => e.type === 'DeclarationProtocolled');
      expect(protocolled, contract).toHaveLength(1);
      numbers.push(protocolled[0]!.data.protocolNumber as string);
    }
    expect([...numbers].sort()).toEqual(expected);
    const rows = await ctx.test.database.db
      .selectFrom('declarations')
      .select('protocol_number')
      .where('status', '=', 'submitted')
      .orderBy('protocol_number')
      .execute();
    expect(rows.map((row) => row.protocol_number)).toEqual(expected);
  }, 180_000);
});
