import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textProblem } from '../../../src/platform/http/text.js';
import {
  registerAndApprove,
  registrationFields,
  seedRegistry,
  certifiedSending,
} from '../../support/accounts.js';
import type { TestClient } from '../../support/client.js';
import {
  campaignYear,
  commandIdOf,
  filledTemplate,
  labReport,
  openCampaign,
} from '../../support/declarations.js';
import {
  createOperator,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../../support/testApp.js';
import {
  escapeHtml,
  expectNoRawMarkup,
  expectReadModelsAtHead,
  expectRefused,
  fieldError,
  markupTexts,
  refusedTexts,
  type Send,
} from './support/hostileForms.js';

/**
 * The declaration wizard (issue 13): its text fields, the descriptions of the attachments and
 * the names of the uploaded files, fed with hostile text; then a declaration filed with whatever
 * the draft kept, and every read model still at the head of the log.
 */

const ditta = { username: 'tintoria.arno', password: 'Segreta-2026' };
const contract = '3006661234';
const base = `/dichiarazioni/${campaignYear}/${contract}`;
const draft = `declaration-draft-${contract}-${campaignYear}`;
const email = 'arno@tintoria.example';

/** A small PDF, different for each `tag` (the draft keeps one attachment per content). */
const pdf = (tag: string) => Buffer.from(`%PDF-1.4\n% ${tag}\n%%EOF\n`);

/**
 * A file name as a browser writes it in a multipart header: quotes and line breaks
 * percent-encoded (HTML's form encoding), every other character as it is.
 */
const asBrowserSends = (name: string) =>
  name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

// A lone surrogate cannot travel in a multipart body: UTF-8 has no bytes for it, the encoder
// sends U+FFFD instead. The JSON route that carries it elsewhere does not exist for files.
const multipartTexts = refusedTexts.filter(([label]) => label !== 'a lone surrogate');

const hostileNames: readonly (readonly [string, string])[] = [
  ...multipartTexts.map(([label, text]) => [label, `${text}.pdf`] as const),
  ['an extension spoofed by an override', '\u202Egpj.exe'],
  ['a NUL before the extension', 'x\u0000y.pdf'],
  ['a path', '../../etc/passwd'],
  ...markupTexts.map(([label, text]) => [`${label}`, `${text}.pdf`] as const),
];

describe('hostile text in the declaration wizard', () => {
  let ctx: TestApp;
  let client: TestClient;

  /** The wizard's form posted with these fields and files, as the browser would. */
  const wizard =
    (files: Parameters<TestClient['postMultipart']>[2] = {}): Send =>
    async (fields) => {
      expect((await client.get(base)).statusCode).toBe(200);
      const response = await client.postMultipart(base, fields, files);
      const location = response.headers.location;
      return {
        status: response.statusCode,
        body: response.body,
        location: typeof location === 'string' ? location : null,
      };
    };
  const uploadedSince = async (version: number) =>
    (await ctx.store.readStream(draft, { fromVersion: version + 1 })).events
      .filter((event) => event.type === 'DeclarationFileUploaded')
      .map((event) => (event.data as { file: { filename: string; sha256: string } }).file);

  /** Takes out of the draft what a case added, so that the next is judged on a page of its own. */
  async function removeUploadedSince(version: number) {
    for (const { sha256 } of await uploadedSince(version))
      await wizard()({ 'email-notifica': email, rimuovi: sha256 });
  }

  beforeAll(async () => {
    ctx = await startTestApp({ now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [['6661234567', contract, 'Tintoria Arno SRL']]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, fullName: 'Arno Neri', email }, [
        { customerCode: '6661234567', contracts: [contract] },
      ]),
    );
    await openCampaign(ctx);
    client = await signedIn(ctx, ditta);
  });
  afterAll(async () => ctx?.close());

  describe.each(multipartTexts.map(([label, text, message]) => ({ label, text, message })))(
    'refusing $label',
    ({ label, text, message }) => {
      it('in the notification e-mail, beside it, recording nothing', async () => {
        const fields = { visionato: 'si', 'email-notifica': text };
        await expectRefused(ctx, wizard(), fields, 'email-notifica', message);
      });

      it('in an attachment’s description, beside it, keeping neither', async () => {
        const { version } = await ctx.store.readStream(draft);
        const files = { 'allegato-1': { filename: 'allegato.pdf', content: pdf(label) } };
        const fields = { 'email-notifica': email, 'descrizione-1': text };
        try {
          await expectRefused(ctx, wizard(files), fields, 'descrizione-1', message);
        } finally {
          await removeUploadedSince(version);
        }
      });
    },
  );

  describe.each(markupTexts.map(([label, text]) => ({ label, text })))(
    'markup: $label',
    ({ label, text }) => {
      const shown = escapeHtml(text);

      it('in the notification e-mail is refused and shown escaped', async () => {
        const response = await wizard()({ visionato: 'si', 'email-notifica': text });
        expect(response.status).toBe(422);
        expect(response.body).toContain(`value="${shown}"`);
        expectNoRawMarkup(response.body, 'the wizard');
      });

      it('in an attachment’s description is kept as text', async () => {
        const files = { 'allegato-1': { filename: 'nota.pdf', content: pdf(`nota ${label}`) } };
        const response = await wizard(files)({ 'email-notifica': email, 'descrizione-1': text });
        expect(response.status).toBeLessThan(500);
        expectNoRawMarkup(response.body, 'the wizard');
        const page = (await client.get(base)).body;
        expect(page).toContain(shown);
        expectNoRawMarkup(page, base);
      });
    },
  );

  it.each(hostileNames)(
    'a file named with %s is refused beside its input, or kept under a clean name shown escaped',
    async (label, name) => {
      const { version } = await ctx.store.readStream(draft);
      const files = {
        'allegato-1': {
          filename: asBrowserSends(name),
          content: pdf(`nome ${label}`),
          contentType: 'application/pdf',
        },
      };
      const response = await wizard(files)({ 'email-notifica': email });
      const excerpt = `${response.status} ${response.body.slice(0, 300)}`;
      expect(response.status, excerpt).toBeLessThan(500);
      expectNoRawMarkup(response.body, 'the wizard');
      const kept = await uploadedSince(version);
      if (kept.length === 0) {
        expect(response.status, excerpt).toBe(422);
        expect(fieldError(response.body, 'allegato-1'), 'a message beside the file').not.toBeNull();
        return;
      }
      const page = (await client.get(base)).body;
      await removeUploadedSince(version);
      for (const { filename } of kept) {
        expect(textProblem(filename), JSON.stringify(filename.slice(0, 80))).toBeNull();
        expect(Array.from(filename).length, 'characters kept').toBeLessThanOrEqual(200);
        expect(filename).not.toMatch(/[\\/]/);
        expect(page).toContain(escapeHtml(filename));
      }
      expect(textProblem(page, true), 'a hostile character on the wizard page').toBeNull();
      expectNoRawMarkup(page, base);
    },
  );

  it('files the declaration with every hostile name the draft keeps; each file downloads', async () => {
    // Every name again, ten rows a post as the page allows: kept or refused as the wizard decides.
    for (let first = 0; first < hostileNames.length; first += 10) {
      const rows = hostileNames
        .slice(first, first + 10)
        .map(
          ([label, name], row) =>
            [
              `allegato-${row + 1}`,
              { filename: asBrowserSends(name), content: pdf(`filed ${label}`) },
            ] as const,
        );
      const response = await wizard(Object.fromEntries(rows))({ 'email-notifica': email });
      expect(response.status, response.body.slice(0, 300)).toBeLessThan(500);
    }
    const validated = await client.postMultipart(
      base,
      { visionato: 'si', 'email-notifica': email },
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
    expect(validated.statusCode, validated.body.slice(0, 500)).toBe(303);
    const validation = (await client.get(`${base}/validazione`)).body;
    expectNoRawMarkup(validation, 'the validation page');
    const commandId = commandIdOf(validation);
    expect(
      (await client.post(`${base}/invia`, { commandId, ...certifiedSending() })).statusCode,
    ).toBe(303);
    await settle(ctx);
    const result = await client.get(`${base}/risultato`);
    expect(result.statusCode).toBe(200);
    expectNoRawMarkup(result.body, 'the result page');
    // Every attachment still in the draft was filed with the declaration: each one downloads.
    const attachments = new Set<string>();
    for (const event of (await ctx.store.readStream(draft)).events) {
      const data = event.data as { file?: { slot: string; sha256: string }; sha256?: string };
      if (event.type === 'DeclarationFileUploaded' && data.file?.slot === 'allegato')
        attachments.add(data.file.sha256);
      if (event.type === 'DeclarationFileRemoved' && data.sha256) attachments.delete(data.sha256);
    }
    expect(attachments.size, 'attachments filed').toBeGreaterThan(3);
    for (const sha256 of attachments) {
      const download = await client.get(`${base}/file/${sha256}`);
      expect(download.statusCode, `${sha256}: ${download.body.slice(0, 200)}`).toBe(200);
    }
  });

  it('leaves the service ready, every read model at the head of the log', async () => {
    await expectReadModelsAtHead(ctx);
  });
});
