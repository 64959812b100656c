import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount, systemContext } from '../../../src/accounts/staffAccounts.js';
import { brokenCharactersMessage } from '../../../src/platform/http/text.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../../support/accounts.js';
import { TestClient } from '../../support/client.js';
import { campaignYear, openCampaign } from '../../support/declarations.js';
import {
  createOperator,
  operatorLogin,
  signedIn,
  startTestApp,
  type TestApp,
} from '../../support/testApp.js';
import {
  expectNoRawMarkup,
  expectReadModelsAtHead,
  markupTexts,
  refusedTexts,
} from './support/hostileForms.js';

/**
 * Hostile text in the path and the query of the pages' addresses (issue 13): a control or bidi
 * character is a 400 page in Italian before any route reads it; nothing is ever a 500, and
 * markup comes back only escaped.
 */

type Who = 'visitor' | 'ditta' | 'operator' | 'auditor';

const ditta = { username: 'euro.oil', password: 'Segreta-2026' };
const auditor = { username: 'revisore', password: 'Revisore-2026' };
const dittaContract = '3001234567';

/** Addresses that take text, "…" where it goes, with the person allowed to see them. */
const addresses: readonly { who: Who; address: string }[] = [
  { who: 'visitor', address: '/registrazione/…' },
  { who: 'visitor', address: '/accesso?dopo=…' },
  { who: 'ditta', address: '/contratti/…/cambio-numero' },
  { who: 'ditta', address: `/dichiarazioni/${campaignYear}/…` },
  { who: 'operator', address: '/operatori/registrazioni/…' },
  { who: 'operator', address: `/operatori/campagne/${campaignYear}?cerca=…` },
  { who: 'auditor', address: '/revisione/stream/…' },
  ...['flusso', 'riferimento', 'tipo', 'attore', 'correlazione', 'dal', 'al', 'dopo'].map(
    (name) => ({ who: 'auditor' as const, address: `/revisione?${name}=…` }),
  ),
  { who: 'auditor', address: '/revisione/esporta?flusso=…' },
  { who: 'auditor', address: `/revisione/stream/contract-${dittaContract}/stato?al=…` },
];

/** The UTF-8 bytes of a lone surrogate (no valid UTF-8 has them), percent-encoded. */
const surrogateBytes = (unit: number) =>
  [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
    .map((byte) => `%${byte.toString(16).toUpperCase()}`)
    .join('');

/** A string in a URL as a browser writes it; a lone surrogate as the bytes UTF-8 would give it. */
const inUrl = (text: string): string =>
  text
    .split(/([\uD800-\uDFFF])/)
    .map((part, i) => (i % 2 === 1 ? surrogateBytes(part.charCodeAt(0)) : encodeURIComponent(part)))
    .join('');

describe('hostile text in the addresses of the pages', () => {
  let ctx: TestApp;
  const clients = {} as Record<Who, TestClient>;
  const get = async (who: Who, address: string, text: string) => {
    const url = address.replace('…', inUrl(text));
    const response = await clients[who].get(url);
    return { url, response, excerpt: `${response.statusCode} ${response.body.slice(0, 200)}` };
  };

  beforeAll(async () => {
    ctx = await startTestApp({ now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await createStaffAccount(
      ctx.store,
      { role: 'auditor', ...auditor, fullName: 'Renato Revisore', email: 'r@gestore.example' },
      systemContext(new Date()),
    );
    await seedRegistry(ctx.test.database.db, [['1001234567', dittaContract, 'Euro Oil SRL']]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, email: 'e@example.com' }),
    );
    await openCampaign(ctx);
    clients.visitor = new TestClient(ctx.app);
    clients.ditta = await signedIn(ctx, ditta);
    clients.operator = await signedIn(ctx, operatorLogin);
    clients.auditor = await signedIn(ctx, auditor);
  });
  afterAll(async () => ctx?.close());

  describe.each(refusedTexts.map(([label, text, message]) => ({ label, text, message })))(
    'holding $label',
    ({ text, message }) => {
      // Controls and bidi characters are refused before any route reads them; a lone surrogate
      // (invalid UTF-8 once percent-encoded) and 100 kB may also be a 404 or a field's 422.
      const refusedByText = typeof message === 'string' && message !== brokenCharactersMessage;

      it.each(addresses)('$address: an Italian page, never a 500', async ({ who, address }) => {
        const { response, excerpt } = await get(who, address, text);
        if (refusedByText) {
          expect(response.statusCode, excerpt).toBe(400);
          expect(response.body.includes('caratteri non ammessi'), excerpt).toBe(true);
        } else expect(response.statusCode, excerpt).toBeLessThan(500);
        expect(response.body.includes('<html lang="it"'), excerpt).toBe(true);
      });
    },
  );

  describe.each(markupTexts.map(([label, text]) => ({ label, text })))(
    'holding $label',
    ({ text }) => {
      it.each(addresses)('$address answers without it raw', async ({ who, address }) => {
        const { url, response, excerpt } = await get(who, address, text);
        expect(response.statusCode, excerpt).toBeLessThan(500);
        expectNoRawMarkup(response.body, url);
      });
    },
  );

  it('leaves the service ready, every read model at the head of the log', async () => {
    await expectReadModelsAtHead(ctx);
  });
});
