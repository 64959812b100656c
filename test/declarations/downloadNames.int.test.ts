import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerAndApprove,
  registrationFields,
  seedRegistry,
  certifiedSending,
} from '../support/accounts.js';
import {
  campaignYear,
  commandIdOf,
  filledTemplate,
  labReport,
  openCampaign,
} from '../support/declarations.js';
import {
  createOperator,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

/** A file name outside Latin-1 used to make its download a 500 (Node refuses such a header). */
describe('downloading a filed attachment whose name is not Latin-1', () => {
  let ctx: TestApp;
  const ditta = { username: 'tintoria.arno', password: 'Segreta-2026' };
  const base = `/dichiarazioni/${campaignYear}/3006661234`;

  beforeAll(async () => {
    ctx = await startTestApp({ now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [['6661234567', '3006661234', 'Tintoria Arno SRL']]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, fullName: 'Arno Neri', email: 'arno@tintoria.example' }, [
        { customerCode: '6661234567', contracts: ['3006661234'] },
      ]),
    );
    await openCampaign(ctx);
  });
  afterAll(async () => ctx.close());

  it('serves it with an ASCII filename and the UTF-8 name in filename*, bidi override dropped', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get(base);
    const attachment = Buffer.from('%PDF-1.4 carta d’identità');
    const uploaded = await client.postMultipart(
      base,
      { visionato: 'si', 'email-notifica': 'arno@tintoria.example', 'descrizione-1': 'Documento' },
      {
        dichiarazione: {
          filename: 'dichiarazione.xlsx',
          content: await filledTemplate(client, base, 'dichiarazione'),
        },
        analisi: {
          filename: 'analisi.xlsx',
          content: await filledTemplate(client, base, 'analisi'),
        },
        'rapporto-di-prova': labReport,
        'allegato-1': { filename: 'carta d’identità 🙂\u202Efdp.pdf', content: attachment },
      },
    );
    expect(uploaded.statusCode, uploaded.body).toBe(303);
    const commandId = commandIdOf((await client.get(`${base}/validazione`)).body);
    expect(
      (await client.post(`${base}/invia`, { commandId, ...certifiedSending() })).statusCode,
    ).toBe(303);
    await settle(ctx);

    const sha256 = createHash('sha256').update(attachment).digest('hex');
    const download = await client.get(`${base}/file/${sha256}`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(attachment)).toBe(true);
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="carta d'identita _fdp.pdf"; ` +
        `filename*=UTF-8''carta%20d%E2%80%99identit%C3%A0%20%F0%9F%99%82fdp.pdf`,
    );
    expect(download.headers['cache-control']).toBe('no-store');
  });
});
