import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import type { JsonObject, NewEvent } from '../../src/platform/eventStore/eventStore.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import type { TestClient } from '../support/client.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { toRomeLocal } from '../../src/audit/historyTime.js';
import { streamKindOf } from '../../src/audit/streamKinds.js';
import { timelinePageSize } from '../../src/audit/timeline.js';

const auditorLogin = { username: 'revisore', password: 'Revisore-2026' } as const;
const adminLogin = { username: 'amelia', password: 'Amministra-2026' } as const;
const declarant = { username: 'euro.oil', password: 'Segreta-2026' } as const;

function event(
  type: string,
  data: JsonObject,
  meta: { actor?: string; occurredAt?: string; correlationId?: string; causationId?: string } = {},
  eventId: string = randomUUID(),
): NewEvent {
  return {
    type,
    data,
    metadata: {
      eventId,
      correlationId: meta.correlationId ?? randomUUID(),
      causationId: meta.causationId ?? null,
      actor: { id: meta.actor ?? 'actor-a', role: 'operator' },
      clientIp: '198.51.100.4',
      occurredAt: meta.occurredAt ?? '2026-03-01T10:00:00.000Z',
    },
  };
}

/** The result rows of /revisione: stream, version and type of each, in page order. */
function resultRows(body: string): { streamId: string; version: number; type: string }[] {
  const section = body.slice(body.indexOf('id="risultati"'));
  const row =
    /<td class="text-break"><a href="[^"]*" title="([^"]+)">[^<]+<\/a><\/td>\s*<td>(\d+)<\/td>\s*<td><a [^>]*>([^<]+)<\/a>/g;
  return [...section.matchAll(row)].map((m) => ({
    streamId: m[1]!,
    version: Number(m[2]),
    type: m[3]!,
  }));
}

/** The href of the link with this rel (HTML entities undone). */
const linkRel = (body: string, rel: 'next' | 'prev'): string | null =>
  new RegExp(`rel="${rel}" href="([^"]+)"`).exec(body)?.[1]?.replace(/&amp;/g, '&') ?? null;

/** The timeline card of one version, as text between its opening tag and the next card. */
function card(body: string, version: number): string {
  const start = body.indexOf(`id="v${version}"`);
  if (start < 0) throw new Error(`No card for version ${version}`);
  const end = body.indexOf('<li id="v', start + 1);
  return body.slice(start, end < 0 ? undefined : end);
}

const main = (body: string) => body.slice(body.indexOf('<main'), body.indexOf('</main>'));

/** What an attacker with SQL access would do: switch the guard off, then rewrite history. */
async function tamper(ctx: TestApp, statement: ReturnType<typeof sql>): Promise<void> {
  const { db } = ctx.test.database;
  await sql`alter table events disable trigger events_append_only`.execute(db);
  await statement.execute(db);
  await sql`alter table events enable trigger events_append_only`.execute(db);
}

describe.each(backends())("%s: the auditors' history (/revisione)", (backend) => {
  let ctx: TestApp;
  let auditor: TestClient;
  let declarantId: string;
  let auditorId: string;
  const causeId = randomUUID();

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    await createOperator(ctx);
    auditorId = await createStaffAccount(
      ctx.store,
      { role: 'auditor', ...auditorLogin, fullName: 'Renato Revisore', email: 'r@gestore.example' },
      systemContext(new Date()),
    );
    await createStaffAccount(
      ctx.store,
      { role: 'admin', ...adminLogin, fullName: 'Amelia Admin', email: 'a@gestore.example' },
      systemContext(new Date()),
    );
    await seedRegistry(ctx.test.database.db, [['1001234567', '3001234567', 'Euro Oil SRL']]);
    declarantId = await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...declarant, fullName: 'Elena Oil', email: 'euro@example.com' }),
    );

    const { store } = ctx;
    await store.appendToStream('audit-alpha-1', [
      event(
        'AlphaHappened',
        { n: 1 },
        { correlationId: 'corr-1', occurredAt: '2026-03-01T10:00:00.000Z' },
      ),
      event(
        'AlphaHappened',
        { n: 2 },
        { correlationId: 'corr-1', occurredAt: '2026-03-02T10:00:00.000Z' },
      ),
    ]);
    await store.appendToStream('audit-alpha-1', [
      event('BetaHappened', { n: 3 }, { occurredAt: '2026-03-05T10:00:00.000Z' }),
    ]);
    await store.appendToStream('audit-alpha-2', [
      event(
        'AlphaHappened',
        { n: 4 },
        { actor: 'actor-b', occurredAt: '2026-04-01T10:00:00.000Z' },
      ),
    ]);
    await store.appendToStream('audit-beta-1', [
      event(
        'BetaHappened',
        { n: 5 },
        { actor: 'actor-b', correlationId: 'corr-2', occurredAt: '2026-05-01T10:00:00.000Z' },
      ),
    ]);
    for (let batch = 0; batch < 12; batch++) {
      await store.appendToStream(
        'audit-paging',
        Array.from({ length: 10 }, (_, i) => event('Tick', { n: batch * 10 + i + 1 })),
      );
    }
    await store.appendToStream('audit-readable', [
      event(
        'ThingRecorded',
        {
          company: { name: 'Euro Oil SRL', plant: { municipality: 'Castenaso' } },
          codes: ['200301', '150106'],
          accessToken: 'tok-visible-nowhere',
        },
        { correlationId: 'corr-3' },
        causeId,
      ),
    ]);
    await store.appendToStream('audit-effect', [
      event(
        'ThingFollowed',
        { of: 'audit-readable' },
        { correlationId: 'corr-3', causationId: causeId },
      ),
    ]);
    for (const stream of ['audit-tampered', 'audit-gap', 'audit-tail']) {
      await store.appendToStream(stream, [
        event('Step', { by: 'operator-1' }),
        event('Step', { by: 'operator-2' }),
        event('Step', { by: 'operator-3' }),
      ]);
    }
    await settle(ctx);
    auditor = await signedIn(ctx, auditorLogin);
  });
  afterAll(async () => ctx.close());

  describe('search', () => {
    const search = async (query: string) => {
      const page = await auditor.get(`/revisione?${query}`);
      expect(page.statusCode).toBe(200);
      return resultRows(page.body);
    };

    it('finds a stream by its exact id, newest first', async () => {
      expect(await search('flusso=audit-alpha-1')).toEqual([
        { streamId: 'audit-alpha-1', version: 3, type: 'BetaHappened' },
        { streamId: 'audit-alpha-1', version: 2, type: 'AlphaHappened' },
        { streamId: 'audit-alpha-1', version: 1, type: 'AlphaHappened' },
      ]);
    });

    it('finds streams by prefix, taking % and _ literally', async () => {
      const rows = await search('flusso=audit-alpha-&corrispondenza=prefisso&ordine=vecchi');
      expect(rows.map((r) => `${r.streamId}/${r.version}`)).toEqual([
        'audit-alpha-1/1',
        'audit-alpha-1/2',
        'audit-alpha-1/3',
        'audit-alpha-2/1',
      ]);
      expect(await search('flusso=audit_alpha&corrispondenza=prefisso')).toEqual([]);
      expect(await search('flusso=audit%25&corrispondenza=prefisso')).toEqual([]);
    });

    it('finds events by type', async () => {
      const rows = await search('tipo=BetaHappened');
      expect(rows.map((r) => r.streamId)).toEqual(['audit-beta-1', 'audit-alpha-1']);
    });

    it('finds events by actor, and by actor and type together', async () => {
      expect((await search('attore=actor-b')).map((r) => r.streamId)).toEqual([
        'audit-beta-1',
        'audit-alpha-2',
      ]);
      expect(await search('attore=actor-b&tipo=AlphaHappened')).toEqual([
        { streamId: 'audit-alpha-2', version: 1, type: 'AlphaHappened' },
      ]);
    });

    it('finds the events of one request by correlation id', async () => {
      expect((await search('correlazione=corr-1')).map((r) => r.version)).toEqual([2, 1]);
    });

    it('finds events by when they occurred, in Italian time, both ends included', async () => {
      // 11:00 in Rome is 10:00 UTC in March; «al» takes in the second it names (here 12:00:00).
      const rows = await search('dal=2026-03-02T11:00&al=2026-04-01T12:00&ordine=vecchi');
      expect(rows.map((r) => `${r.streamId}/${r.version}`)).toEqual([
        'audit-alpha-1/2',
        'audit-alpha-1/3',
        'audit-alpha-2/1',
      ]);
      expect(await search('dal=2026-03-02T11:01&al=2026-03-05T10:59')).toEqual([]);
    });

    it('finds events by when they were recorded, when asked, rather than when they occurred', async () => {
      // The sample events occurred in spring 2026 and were recorded just now, in beforeAll.
      const since = toRomeLocal(new Date(Date.now() - 2 * 3600_000).toISOString());
      const recorded = await search(
        `flusso=audit-alpha-1&periodo=registrato&dal=${since}&ordine=vecchi`,
      );
      expect(recorded.map((r) => r.version)).toEqual([1, 2, 3]);
      expect(await search(`flusso=audit-alpha-1&periodo=avvenuto&dal=${since}`)).toEqual([]);
      expect(await search(`flusso=audit-alpha-1&dal=${since}`)).toEqual([]);
    });

    it('finds an author by username or by name, and says which accounts it took', async () => {
      const signins = `signin-${auditorId}`;
      for (const typed of ['revisore', 'REVISORE', 'Renato Revisore', 'renato']) {
        const page = await auditor.get(`/revisione?${new URLSearchParams({ attore: typed })}`);
        expect(page.statusCode, typed).toBe(200);
        const rows = resultRows(page.body);
        expect(rows.length, typed).toBeGreaterThan(0);
        expect(
          rows.map((r) => r.streamId),
          typed,
        ).toContain(signins);
        expect(page.body, typed).toMatch(
          /id="autore-inteso"[^>]*>Autore «[^»]+»: Renato Revisore \(revisore\)\./,
        );
      }
      const nobody = await auditor.get('/revisione?attore=nessuno-si-chiama-cos%C3%AC');
      expect(resultRows(nobody.body)).toEqual([]);
      expect(nobody.body).toContain('nessun account o identità con questo nome, cercato come id');
    });

    it("finds a company's streams by customer code, and a declaration's by protocol number", async () => {
      const byCustomer = await auditor.get('/revisione?riferimento=1001234567');
      const streams = new Set(resultRows(byCustomer.body).map((r) => r.streamId));
      expect(streams).toContain(`account-${declarantId}`);
      expect(
        [...streams].every((id) => [`account-${declarantId}`, 'contract-3001234567'].includes(id)),
      ).toBe(true);
      expect(byCustomer.body).toMatch(/Codice cliente o protocollo «1001234567»: [^<]*1 account/);

      // The declarations read model knows protocol numbers; the contract's stream holds the events.
      await ctx.store.appendToStream('contract-3009999999', [
        event('DeclarationProtocolled', { protocolNumber: '2026/000042' }),
      ]);
      await ctx.test.database.db
        .insertInto('declarations')
        .values({
          contract_number: '3009999999',
          year: 2026,
          customer_code: '1009999999',
          company_name: 'Protocollata SRL',
          status: 'submitted',
          prepared_by: null,
          prepared_at: null,
          submitted_by: null,
          signatory_name: null,
          submitted_at: null,
          late: false,
          protocol_number: '2026/000042',
          copy_of_record_sha256: null,
          notification_email: 'p@example.com',
          discharged_volume: 0,
          files: JSON.stringify([]),
          warnings: JSON.stringify([]),
          warnings_acknowledged: false,
        })
        .execute();
      const byProtocol = await auditor.get(
        `/revisione?${new URLSearchParams({ riferimento: '2026/000042' })}`,
      );
      expect(resultRows(byProtocol.body)).toEqual([
        // The type in Italian; an unknown type (the samples above) keeps its own name.
        { streamId: 'contract-3009999999', version: 1, type: 'Dichiarazione protocollata' },
      ]);
      expect(byProtocol.body).toContain('1 contratto, 1 dichiarazione protocollata');
      const unknown = await auditor.get('/revisione?riferimento=0000000000');
      expect(resultRows(unknown.body)).toEqual([]);
      expect(unknown.body).toContain('nessun contratto, account o dichiarazione');
    });

    it('shows who, from where and when, and links the stream to its timeline', async () => {
      const page = await auditor.get('/revisione?flusso=audit-beta-1');
      expect(page.body).toContain('href="/revisione/stream/audit-beta-1#v1"');
      expect(page.body).toContain('198.51.100.4');
      expect(page.body).toContain('actor-b');
      expect(page.body).toContain('(operatore)');
    });

    it('names staff actors by name, and refuses a malformed date with 422', async () => {
      const page = await auditor.get(`/revisione?attore=${auditorId}`);
      expect(page.body).toContain('Renato Revisore (revisore)');
      const bad = await auditor.get('/revisione?dal=2026-02-30T10:00');
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('Dal: inserire data e ora');
    });

    it('pages forward and back across pages with the keyset cursor, 50 at a time', async () => {
      const first = await auditor.get('/revisione?flusso=audit-paging');
      const versions = (body: string) => resultRows(body).map((r) => r.version);
      const range = (from: number, to: number) =>
        Array.from({ length: Math.abs(to - from) + 1 }, (_, i) =>
          from > to ? from - i : from + i,
        );
      expect(versions(first.body)).toEqual(range(120, 71));
      expect(linkRel(first.body, 'prev')).toBeNull();

      const second = await auditor.get(linkRel(first.body, 'next')!);
      expect(versions(second.body)).toEqual(range(70, 21));
      const third = await auditor.get(linkRel(second.body, 'next')!);
      expect(versions(third.body)).toEqual(range(20, 1));
      expect(linkRel(third.body, 'next')).toBeNull();

      const backToSecond = await auditor.get(linkRel(third.body, 'prev')!);
      expect(versions(backToSecond.body)).toEqual(range(70, 21));
      const backToFirst = await auditor.get(linkRel(backToSecond.body, 'prev')!);
      expect(versions(backToFirst.body)).toEqual(range(120, 71));
      expect(linkRel(backToFirst.body, 'prev')).toBeNull();
      expect(linkRel(backToFirst.body, 'next')).toContain('flusso=audit-paging');
    });

    it('pages a time-ranged search in that time order, ties by position, with its cursor', async () => {
      // The 120 paging events all occurred at the same instant: the position breaks the tie.
      const first = await auditor.get(
        '/revisione?flusso=audit-paging&dal=2026-03-01T00:00&ordine=vecchi',
      );
      expect(first.body).toContain('dal più vecchio per ora in cui è avvenuto');
      const versions = (body: string) => resultRows(body).map((r) => r.version);
      expect(versions(first.body)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const nextHref = linkRel(first.body, 'next')!;
      expect(nextHref).toMatch(/dopo=2026-03-01T10%3A00%3A00\.000Z%40\d+%2F\d+/);
      const second = await auditor.get(nextHref);
      expect(versions(second.body)).toEqual(Array.from({ length: 50 }, (_, i) => i + 51));
      const third = await auditor.get(linkRel(second.body, 'next')!);
      expect(versions(third.body)).toEqual(Array.from({ length: 20 }, (_, i) => i + 101));
      expect(linkRel(third.body, 'next')).toBeNull();
      const back = await auditor.get(linkRel(third.body, 'prev')!);
      expect(versions(back.body)).toEqual(versions(second.body));
    });

    it('pages oldest first too', async () => {
      const first = await auditor.get('/revisione?flusso=audit-paging&ordine=vecchi');
      expect(resultRows(first.body)[0]?.version).toBe(1);
      const second = await auditor.get(linkRel(first.body, 'next')!);
      expect(resultRows(second.body).map((r) => r.version)).toEqual(
        Array.from({ length: 50 }, (_, i) => 51 + i),
      );
      expect(linkRel(second.body, 'next')).toContain('ordine=vecchi');
    });

    it('lists the whole log, newest first, when no filter is given', async () => {
      const rows = (await search('')).map((r) => `${r.streamId}/${r.version}`);
      expect(rows).toHaveLength(50);
      expect(rows.indexOf('audit-tail/3')).toBeGreaterThanOrEqual(0);
      expect(rows.indexOf('audit-tail/3')).toBeLessThan(rows.indexOf('audit-tail/1'));
      expect(rows.indexOf('audit-tail/1')).toBeLessThan(rows.indexOf('audit-gap/3'));
    });
  });

  describe('timeline', () => {
    it('renders the data readably, nested, with the raw JSON one click away', async () => {
      const page = await auditor.get('/revisione/stream/audit-readable');
      expect(page.statusCode).toBe(200);
      const v1 = card(page.body, 1);
      // A field the label table does not know keeps its own name; one it knows is in Italian.
      expect(v1).toContain('<code>company</code>');
      expect(v1).toMatch(/<dt>Stabilimento<\/dt><dd><dl class="event-data nested">/);
      expect(v1).toContain('<dt>Comune</dt><dd>Castenaso</dd>');
      expect(v1).toMatch(/<details>\s*<summary>JSON originale<\/summary>/);
      expect(v1).toContain('&quot;municipality&quot;: &quot;Castenaso&quot;');
      expect(v1).toContain('catena: integro');
      expect(v1).toContain('198.51.100.4');
      expect(v1).toContain('href="/revisione?correlazione=corr-3"');
    });

    it('links an event to the events it caused, and back to its cause', async () => {
      const cause = card((await auditor.get('/revisione/stream/audit-readable')).body, 1);
      expect(cause).toContain('Eventi causati da questo');
      expect(cause).toContain('href="/revisione/stream/audit-effect#v1"');
      const effect = card((await auditor.get('/revisione/stream/audit-effect')).body, 1);
      expect(effect).toMatch(
        /evento <a href="\/revisione\/stream\/audit-readable#v1">ThingRecorded/,
      );
      const redirect = await auditor.get(`/revisione/evento/${causeId}`);
      expect(redirect.statusCode).toBe(303);
      expect(redirect.headers.location).toBe('/revisione/stream/audit-readable#v1');
    });

    it('shows a row altered in the database as altered, and its neighbours intact', async () => {
      await tamper(
        ctx,
        sql`update events set data = jsonb_set(data::jsonb, '{by}', '"operator-9"')::json
            where stream_id = 'audit-tampered' and version = 2`,
      );
      const page = await auditor.get('/revisione/stream/audit-tampered');
      expect(page.body).toContain('Catena hash interrotta');
      expect(card(page.body, 1)).toContain('catena: integro');
      expect(card(page.body, 2)).toContain('catena: alterato');
      expect(card(page.body, 2)).toContain('operator-9');
      expect(card(page.body, 3)).toContain('catena: integro');
    });

    it('shows a deleted row as missing, the next as unverifiable, a deleted last one too', async () => {
      await tamper(ctx, sql`delete from events where stream_id = 'audit-gap' and version = 2`);
      const gap = await auditor.get('/revisione/stream/audit-gap');
      expect(card(gap.body, 1)).toContain('catena: integro');
      expect(card(gap.body, 2)).toContain('mancante');
      expect(card(gap.body, 2)).toContain("non è più nell'archivio");
      expect(card(gap.body, 3)).toContain('catena: non verificabile');

      await tamper(ctx, sql`delete from events where stream_id = 'audit-tail' and version = 3`);
      const tail = await auditor.get('/revisione/stream/audit-tail');
      expect(card(tail.body, 3)).toContain('mancante');
      expect(tail.body).toContain('Catena hash interrotta');
    });

    it(`pages a long stream by ${timelinePageSize} versions`, async () => {
      const length = timelinePageSize + 30;
      await ctx.store.appendToStream(
        'audit-long',
        Array.from({ length }, (_, i) => event('Tick', { n: i + 1 })),
      );
      const first = await auditor.get('/revisione/stream/audit-long');
      expect(first.body).toContain(`id="v${timelinePageSize}"`);
      expect(first.body).not.toContain(`id="v${timelinePageSize + 1}"`);
      const next = linkRel(first.body, 'next')!;
      expect(next).toBe(`/revisione/stream/audit-long?da=${timelinePageSize + 1}`);
      const second = await auditor.get(next);
      expect(card(second.body, timelinePageSize + 1)).toContain('catena: integro');
      expect(second.body).toContain(`id="v${2 * timelinePageSize}"`);
    });

    it('names each result’s stream by its subject, with the id in the title', async () => {
      const search = await auditor.get(
        `/revisione?${new URLSearchParams({ flusso: 'contract-3001234567' })}`,
      );
      expect(search.body).toMatch(
        /<a href="[^"]*" title="contract-3001234567">3001234567 · [^<]+<\/a>/,
      );
    });

    it('reaches streams whose ids need encoding in a URL', async () => {
      const odd = 'audit-odd/strano #1 %è?';
      await ctx.store.appendToStream(odd, [event('Odd', { n: 1 })]);
      const search = await auditor.get(`/revisione?${new URLSearchParams({ flusso: odd })}`);
      const href = /<td class="text-break"><a href="([^"]+)"/.exec(search.body)?.[1];
      expect(href).toBe(`/revisione/stream/${encodeURIComponent(odd)}#v1`);
      const page = await auditor.get(href!.replace(/#.*/, ''));
      expect(page.statusCode).toBe(200);
      expect(card(page.body, 1)).toContain('catena: integro');
      const state = await auditor.get(`/revisione/stream/${encodeURIComponent(odd)}/stato`);
      expect(state.statusCode).toBe(200);
    });

    it('answers 404 for a stream that does not exist', async () => {
      expect((await auditor.get('/revisione/stream/audit-nothing')).statusCode).toBe(404);
      expect((await auditor.get(`/revisione/evento/${randomUUID()}`)).statusCode).toBe(404);
    });
  });

  describe('who may read', () => {
    const pages = () => [
      '/revisione',
      '/revisione?flusso=audit-alpha-1',
      '/revisione/stream/audit-alpha-1',
      `/revisione/stream/${encodeURIComponent(`contract-3001234567`)}/stato`,
      `/revisione/evento/${causeId}`,
    ];

    it('sends visitors to the login page and back', async () => {
      const visitor = await import('../support/client.js').then((m) => new m.TestClient(ctx.app));
      for (const url of pages()) {
        const response = await visitor.get(url);
        expect(response.statusCode, url).toBe(303);
        expect(response.headers.location, url).toBe(`/accesso?dopo=${encodeURIComponent(url)}`);
      }
    });

    it('refuses declarants with 403', async () => {
      const client = await signedIn(ctx, declarant);
      for (const url of pages()) {
        expect((await client.get(url)).statusCode, url).toBe(403);
      }
    });

    it('lets auditors, operators and admins read; no page posts anything', async () => {
      const readers = [
        auditor,
        await signedIn(ctx, operatorLogin),
        await signedIn(ctx, adminLogin),
      ];
      for (const client of readers) {
        const page = await client.get('/revisione/stream/audit-alpha-1');
        expect(page.statusCode).toBe(200);
        expect(main(page.body)).not.toMatch(/method="post"/i);
        const search = await client.get('/revisione?tipo=BetaHappened');
        expect(search.statusCode).toBe(200);
        expect(main(search.body)).not.toMatch(/method="post"/i);
        expect(main(search.body)).toContain('href="/revisione/verifica"');
      }
    });

    it('gives every stream the portal wrote here its own kind and Italian label', async () => {
      const written = await ctx.test.database.db
        .selectFrom('streams')
        .select('stream_id')
        .execute();
      // The samples this file appends itself start with audit- (and are not the audit streams).
      const portal = written
        .map((row) => row.stream_id)
        .filter((id) => !id.startsWith('audit-') || streamKindOf(id).kind.startsWith('audit-'));
      expect(portal.some((id) => id.startsWith('signin-'))).toBe(true);
      for (const id of portal) expect(streamKindOf(id).kind, id).not.toBe('other');
      const signins = await auditor.get(`/revisione/stream/signin-${auditorId}`);
      expect(signins.body).toContain(
        `Accessi dell’account · <strong>Renato Revisore (revisore)</strong> · <code>signin-${auditorId}</code>`,
      );
    });

    it('never shows a password hash or another secret, raw JSON included', async () => {
      const urls = [
        `/revisione/stream/account-${declarantId}`,
        `/revisione/stream/account-${auditorId}`,
        `/revisione/stream/account-${declarantId}/stato`,
        `/revisione/stream/account-${declarantId}/stato?versione=1`,
        `/revisione?flusso=account-&corrispondenza=prefisso`,
        '/revisione/stream/audit-readable',
      ];
      const hashes = await ctx.test.database.db
        .selectFrom('accounts')
        .select('password_hash')
        .execute();
      for (const url of urls) {
        const page = await auditor.get(url);
        expect(page.statusCode, url).toBe(200);
        expect(page.body, url).not.toContain('$argon2');
        for (const { password_hash } of hashes) expect(page.body, url).not.toContain(password_hash);
        expect(page.body, url).not.toContain('tok-visible-nowhere');
      }
      const timeline = await auditor.get(`/revisione/stream/account-${declarantId}`);
      const registered = card(timeline.body, 1);
      expect(registered).toContain('Registrazione del referente');
      expect(registered).toMatch(/<dt>Password \(impronta\)<\/dt>\s*<dd[^>]*>\s*\[redatto\]/);
      expect(registered).toContain('&quot;passwordHash&quot;: &quot;[redatto]&quot;');
      // The chain is checked on the stored event, not on what the page shows.
      expect(registered).toContain('catena: integro');
    });
  });
});
