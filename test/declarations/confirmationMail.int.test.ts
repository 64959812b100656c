import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSender } from '../../src/platform/mail/mailSender.js';
import { smtpTransport } from '../../src/platform/mail/mailTransport.js';
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
import { startSmtpServer, type SmtpTestServer } from '../support/smtpTestServer.js';
import {
  createOperator,
  settle,
  signedIn,
  startTestApp,
  testSeal,
  type TestApp,
} from '../support/testApp.js';
import { pdfText, squeezed } from './pdf/pdfText.js';
import { TestClient } from '../support/client.js';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import { checkHead } from '../../src/audit/checkHead.js';
import { headFileSchema } from '../../src/platform/transparency/publishedJson.js';
import { leafHash, verifyInclusion } from '../../src/platform/transparency/merkle.js';
import { verifyHead } from '../../src/platform/transparency/treeHead.js';

/** The receipt of a submission as the declarant's mail server gets it: protocol number and PDF. */
describe('the confirmation mail through a real SMTP server', () => {
  let ctx: TestApp;
  let smtp: SmtpTestServer;
  let sender: MailSender;
  const ditta = { username: 'lavanderia.sole', password: 'Segreta-2026' };
  const base = `/dichiarazioni/${campaignYear}/3004441234`;
  const to = 'ambiente@lavanderia.example';
  const receipts = () => smtp.received.filter((mail) => mail.subject?.includes('protocollo'));

  beforeAll(async () => {
    ctx = await startTestApp({ now: () => new Date('2026-01-20T09:30:00Z') });
    smtp = await startSmtpServer();
    sender = new MailSender(
      {
        database: ctx.test.database,
        transport: smtpTransport(`smtp://127.0.0.1:${smtp.port}`),
        from: 'Dichiara <noreply@dichiara.test>',
        logger: pino({ level: 'silent' }),
      },
      { pollIntervalMs: 50 },
    );
    await sender.start();
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [['4441234567', '3004441234', 'Lavanderia Sole SRL']]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, fullName: 'Sole Bianchi', email: 'sole@lavanderia.example' }, [
        { customerCode: '4441234567', contracts: ['3004441234'] },
      ]),
    );
    await openCampaign(ctx);
  });
  afterAll(async () => {
    await sender.stop();
    await smtp.close();
    await ctx.close();
  });

  it('carries the protocol number and the copy of record as filed, and again on a re-send', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get(base);
    const uploaded = await client.postMultipart(
      base,
      { visionato: 'si', 'email-notifica': to },
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
      },
    );
    expect(uploaded.statusCode, uploaded.body).toBe(303);
    const commandId = commandIdOf((await client.get(`${base}/validazione`)).body);
    expect(
      (await client.post(`${base}/invia`, { commandId, ...certifiedSending() })).statusCode,
    ).toBe(303);
    await settle(ctx);
    const copy = (await client.get(`${base}/copia.pdf`)).rawPayload;

    await expect.poll(() => receipts().length, { timeout: 15_000 }).toBe(1);
    const mail = receipts()[0]!;
    expect(mail.subject).toBe(
      'Dichiara – dichiarazione scarichi industriali 2025, protocollo 2025/000001',
    );
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe(to);
    expect(mail.text).toContain(
      'la dichiarazione degli scarichi industriali 2025 del contratto 3004441234 è stata ricevuta con il numero di protocollo 2025/000001',
    );
    expect(mail.html).toContain('2025/000001');
    expect(mail.attachments.map((a) => a.filename)).toEqual([
      'dichiarazione-2025-000001.pdf',
      'ricevuta-registro-2025-000001.json',
    ]);
    const [attachment] = mail.attachments;
    expect(attachment!.filename).toBe('dichiarazione-2025-000001.pdf');
    expect(attachment!.contentType).toBe('application/pdf');
    expect(attachment!.content.equals(copy)).toBe(true);
    expect(squeezed(await pdfText(attachment!.content))).toContain(
      'Numero di protocollo 2025/000001',
    );

    await client.get(`${base}/risultato`);
    expect((await client.post(`${base}/reinvia`, {})).statusCode).toBe(303);
    await settle(ctx);
    await expect.poll(() => receipts().length, { timeout: 15_000 }).toBe(2);
    expect(receipts()[1]!.attachments[0]!.content.equals(copy)).toBe(true);
    expect(receipts()[1]!.attachments[1]!.content.equals(mail.attachments[1]!.content)).toBe(true);
    expect(receipts()[1]!.messageId).not.toBe(mail.messageId);
  });

  it('gives the declarant a receipt anyone can check with the public key alone', async () => {
    const [mail] = receipts();
    const json = mail!.attachments.find((a) => a.contentType === 'application/json')!;
    const receipt = JSON.parse(json.content.toString('utf8')) as {
      evento: string;
      foglia: number;
      hashFoglia: string;
      dimensione: number;
      prova: string[];
    };
    const head = headFileSchema.parse(JSON.parse(json.content.toString('utf8')));
    expect(verifyHead(head, testSeal.publicKey)).toBe(true);
    // The leaf is the DeclarationProtocolled event of the contract, as the log holds it.
    const { events } = await ctx.store.readStream(contractStream.id('3004441234'));
    const protocolled = events.find((event) => event.type === 'DeclarationProtocolled')!;
    expect(receipt.evento).toBe(protocolled.metadata.eventId);
    const leaf = leafHash(Buffer.from(protocolled.hash, 'hex'));
    expect(receipt.hashFoglia).toBe(leaf.toString('hex'));
    const proof = receipt.prova.map((hash) => Buffer.from(hash, 'hex'));
    expect(verifyInclusion(leaf, receipt.foglia, head.size, proof, head.root)).toBe(true);
    expect(
      verifyInclusion(leafHash(Buffer.alloc(32)), receipt.foglia, head.size, proof, head.root),
    ).toBe(false);
    // The same evidence is printed in the copy of record, and the log still holds what it signed.
    const printed = squeezed(await pdfText(mail!.attachments[0]!.content));
    expect(printed).toContain('Iscrizione nel registro degli eventi');
    expect(printed).toContain(receipt.evento);
    expect(await checkHead(ctx.store, head, testSeal.publicKey)).toEqual({
      outcome: 'ok',
      size: head.size,
    });

    // The result page offers the same file to download, to those who may read the declaration.
    const client = await signedIn(ctx, ditta);
    expect((await client.get(`${base}/risultato`)).body).toContain(
      'Scarica la ricevuta del registro degli eventi (JSON)',
    );
    const download = await client.get(`${base}/ricevuta-registro.json`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toContain('ricevuta-registro-2025-000001.json');
    expect(download.rawPayload.equals(json.content)).toBe(true);
    const stranger = new TestClient(ctx.app);
    expect((await stranger.get(`${base}/ricevuta-registro.json`)).statusCode).not.toBe(200);
  });
});
