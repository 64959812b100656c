import {
  analysesEdits,
  declarationEdits,
  fill,
  merge,
  type Edits,
} from '../declarations/workbooks/support/workbookFixtures.js';
import type { TestClient } from './client.js';
import { settle, signedIn, operatorLogin, type TestApp } from './testApp.js';

/** The campaign the declaration tests file in: the 2025 declaration, due 31 January 2026. */
export const campaignYear = 2025;

export async function openCampaign(ctx: TestApp, year = campaignYear): Promise<void> {
  const operator = await signedIn(ctx, operatorLogin);
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
  await settle(ctx);
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
