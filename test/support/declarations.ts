import {
  analysesEdits,
  declarationEdits,
  fill,
  merge,
  type Edits,
} from '../declarations/workbooks/support/workbookFixtures.js';
import { expect } from 'vitest';
import { certifiedSending } from './accounts.js';
import { TestClient } from './client.js';
import { settle, signedIn, operatorLogin, type TestApp } from './testApp.js';

/** The campaign the declaration tests file in: the 2025 declaration, due 31 January 2026. */
export const campaignYear = 2025;

export async function openCampaign(ctx: TestApp, year = campaignYear): Promise<void> {
  await postCampaign(await signedIn(ctx, operatorLogin), year);
  await settle(ctx);
}

/** The year's campaign opened by an operator on «Campagne», due the next 31 January. */
export async function postCampaign(operator: TestClient, year: number): Promise<void> {
  await operator.get('/operatori/campagne');
  const response = await operator.post('/operatori/campagne', {
    anno: String(year),
    scadenza: `${year + 1}-01-31`,
    tf: '0,211803',
    td: '0,097548',
    tdCap: '0,000210183',
    tolleranza: '5',
  });
  if (response.statusCode !== 303) throw new Error(`Opening the campaign failed: ${response.body}`);
}

/** A template as the portal hands it out, filled as a declarant would. */
export async function filledTemplate(
  client: TestClient,
  base: string,
  kind: 'dichiarazione' | 'analisi',
  change: Edits = {},
): Promise<Buffer> {
  const response = await client.get(`${base}/modelli/${kind}`);
  if (response.statusCode !== 200) throw new Error(`Template ${kind}: ${response.statusCode}`);
  const edits = kind === 'dichiarazione' ? declarationEdits : analysesEdits;
  return fill(response.rawPayload, merge(edits, change));
}

export const labReport = {
  filename: 'rapporto-di-prova.pdf',
  content: Buffer.from('%PDF-1.4\n% rapporto di prova\n'),
  contentType: 'application/pdf',
};

/** The commandId of the "Validazione" page's INVIA form. */
export const commandIdOf = (page: string): string =>
  /name="commandId" value="([^"]+)"/.exec(page)?.[1] ?? '';

/** «Validazione» and INVIA with the self-declaration, as the declarant goes through them. */
export async function sendDeclaration(ctx: TestApp, client: TestClient, base: string) {
  const validation = await client.get(`${base}/validazione`);
  expect(validation.statusCode, validation.body).toBe(200);
  const sent = await client.post(`${base}/invia`, {
    commandId: commandIdOf(validation.body),
    ...certifiedSending(),
  });
  expect(sent.statusCode, sent.body).toBe(303);
  await settle(ctx);
  return sent;
}

/** Upload of the filled declaration workbook, AVANTI, then INVIA. */
export async function fileDeclaration(
  ctx: TestApp,
  client: TestClient,
  base: string,
  notice: string,
): Promise<void> {
  await client.get(base);
  const uploaded = await client.postMultipart(
    base,
    { visionato: 'si', 'email-notifica': notice },
    {
      dichiarazione: {
        filename: 'dichiarazione.xlsx',
        content: await filledTemplate(client, base, 'dichiarazione'),
      },
    },
  );
  expect(uploaded.statusCode, uploaded.body).toBe(303);
  await sendDeclaration(ctx, client, base);
}

/** The operator invites a company by PEC; it logs in and sets its own password. */
export async function inviteCompanyByPec(
  ctx: TestApp,
  invited: { customerCode: string; pec: string; username: string; password: string },
): Promise<void> {
  const operator = await signedIn(ctx, operatorLogin);
  await operator.get('/operatori/inviti');
  const response = await operator.post('/operatori/inviti', {
    customerCode: invited.customerCode,
    pec: invited.pec,
  });
  expect(response.statusCode).toBe(303);
  await settle(ctx);
  const mail = await ctx.test.database.db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', invited.pec)
    .executeTakeFirstOrThrow();
  const company = new TestClient(ctx.app);
  await company.post('/accesso', {
    username: invited.username,
    password: /Password: (\S+)/.exec(mail.text_body)![1]!,
  });
  await company.get('/primo-accesso');
  const changed = await company.post('/primo-accesso', {
    password: invited.password,
    passwordConfirm: invited.password,
  });
  expect(changed.statusCode).toBe(303);
  await settle(ctx);
}

/** The mails queued whose subject contains `subjectPart`, by recipient, their text on one line. */
export const outboxMails = async (ctx: TestApp, subjectPart: string) =>
  (
    await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject', 'text_body'])
      .where('subject', 'like', `%${subjectPart}%`)
      .orderBy('to_address')
      .execute()
  ).map((mail) => ({ ...mail, text: mail.text_body.replace(/\s+/g, ' ') }));
