import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractDecider } from '../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { redact } from '../../src/audit/redact.js';
import { noNames } from '../../src/audit/auditNames.js';
import { diffStates } from '../../src/audit/stateAsOf.js';
import { pathView } from '../../src/audit/statePaths.js';
import type { JsonObject, NewEvent } from '../../src/platform/eventStore/eventStore.js';
import type { TestClient } from '../support/client.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import {
  createOperator,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';

const auditorLogin = { username: 'revisore', password: 'Revisore-2026' } as const;
const streamId = 'contract-3001234567';
/** A contract whose events occurred one second apart, for the boundaries of «fino al». */
const secondsStream = 'contract-3009990000';

const plant = {
  street: 'Via Pizzarotti',
  civic: '22',
  cap: '40055',
  province: 'BO',
  municipality: 'Castenaso',
};

/** A contract's life, as its decider's events, each with the moment it occurred. */
const historyOf = (studioId: string, dittaId: string): [ContractEvent, string][] => [
  [
    {
      type: 'ContractDeclared',
      data: {
        contractNumber: '3001234567',
        customerCode: '1001234567',
        companyName: 'Euro Oil SRL',
        plant,
        declaredBy: { accountId: studioId, kind: 'studio' },
      },
    },
    '2026-01-10T09:00:00.000Z',
  ],
  [{ type: 'ContractValidated', data: { note: null } }, '2026-01-11T09:00:00.000Z'],
  [{ type: 'ContractOwnerLinked', data: { ownerAccountId: dittaId } }, '2026-02-01T09:00:00.000Z'],
  [
    { type: 'ContractClaimed', data: { previousManagerId: studioId, managerId: dittaId } },
    '2026-03-01T09:00:00.000Z',
  ],
];

const asNewEvent = ([event, occurredAt]: [ContractEvent, string]): NewEvent => ({
  type: event.type,
  data: event.data as unknown as JsonObject,
  metadata: {
    eventId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: { id: 'operator-1', role: 'operator' },
    clientIp: '198.51.100.4',
    occurredAt,
  },
});

/** The page's text between two headings' ids, whitespace folded. */
function section(body: string, id: string): string {
  const start = body.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`No section ${id}`);
  const end = body.indexOf('</section>', start);
  return body.slice(start, end).replace(/\s+/g, ' ').replace(/> </g, '><');
}

/** What a person reads of some HTML: tags dropped, entities undone, spaces folded. */
const textOf = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

/** The rows of the diff table as a person reads them: the field, then, now. */
const diffRows = (body: string): { field: string; then: string; now: string }[] =>
  [...section(body, 'differenze').matchAll(/<tr><th scope="row"[^>]*>(.*?)<\/th>(.*?)<\/tr>/g)].map(
    (row) => {
      const cells = [...row[2]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((cell) => textOf(cell[1]!));
      return { field: textOf(row[1]!), then: cells[1]!, now: cells[2]! };
    },
  );

/** The fields the diff table lists, in order. */
const changedFields = (body: string): string[] => diffRows(body).map((row) => row.field);

/** A field of the state as the page shows it: its Italian name, then its value's HTML. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const field = (label: string, value: string) =>
  new RegExp(`<dt>${label}</dt><dd[^>]*> ?${value} ?</dd>`);

/** The tabs marked current on the page: their text, and whether as the page or its section. */
/** The audit section's own tabs marked current (the header's sections left out). */
const currentTabs = (body: string): [string, string][] =>
  [
    ...body
      .replace(/<nav aria-label="Sezioni"[\s\S]*?<\/nav>/, '')
      .matchAll(/<a class="nav-link[^"]*" href="[^"]*" aria-current="(page|true)">([^<]+)<\/a>/g),
  ].map((m) => [m[2]!, m[1]!]);

describe.each(backends())('%s: state as of (/revisione/stream/:id/stato)', (backend) => {
  let ctx: TestApp;
  let auditor: TestClient;
  let studioId: string;
  let dittaId: string;
  let history: [ContractEvent, string][];
  const url = `/revisione/stream/${encodeURIComponent(streamId)}/stato`;
  const studioName = 'Studio Gianni Rossi';
  const dittaName = 'Ditta Bianchi Detergenti SRL (Daniela Bianchi)';

  /** Replaying by hand: the decider's evolve over the first `count` events. */
  const foldFirst = (count: number) =>
    history
      .slice(0, count)
      .reduce(
        (state, [event]) => contractDecider.evolve(state, event),
        contractDecider.initialState(),
      );

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    await createOperator(ctx);
    await createStaffAccount(
      ctx.store,
      { role: 'auditor', ...auditorLogin, fullName: 'Renato Revisore', email: 'r@gestore.example' },
      systemContext(new Date()),
    );
    // A Studio and a Ditta registered through the pages: the read models know their names.
    await seedRegistry(ctx.test.database.db, [
      ['1005550001', '3005550001', 'Lavanderie Rossi SRL'],
      ['1005550002', '3005550002', 'Bianchi Detergenti SRL'],
    ]);
    studioId = await registerAndApprove(
      ctx,
      'studio',
      registrationFields(
        { username: 'gianni.rossi', fullName: 'Gianni Rossi', email: 'studio@example.com' },
        [{ customerCode: '1005550001', contracts: ['3005550001'] }],
      ),
    );
    dittaId = await registerAndApprove(
      ctx,
      'ditta',
      registrationFields(
        {
          username: 'daniela.bianchi',
          fullName: 'Daniela Bianchi',
          email: 'ditta@example.com',
          'companies[0][name]': 'Bianchi Detergenti SRL',
        },
        [{ customerCode: '1005550002', contracts: ['3005550002'] }],
      ),
    );
    history = historyOf(studioId, dittaId);
    await ctx.store.appendToStream(streamId, history.map(asNewEvent));
    // One second apart: 10:52:00, :01 and :02 in Rome (UTC+1 in February).
    await ctx.store.appendToStream(
      secondsStream,
      history
        .slice(0, 3)
        .map(([event], i): [ContractEvent, string] => [event, `2026-02-10T09:52:0${i}.000Z`])
        .map(asNewEvent),
    );
    await ctx.store.appendToStream('protocol-register-2026', [
      asNewEvent([{ type: 'ContractValidated', data: { note: null } }, '2026-01-01T00:00:00.000Z']),
    ]);
    await settle(ctx);
    auditor = await signedIn(ctx, auditorLogin);
  });
  afterAll(async () => ctx.close());

  it('at a version equals replaying the first events by hand, with the diff against now', async () => {
    const page = await auditor.get(`${url}?versione=2`);
    expect(page.statusCode).toBe(200);
    const then = section(page.body, 'stato-allora');
    expect(then).toContain('Stato alla versione 2');
    const byHand = foldFirst(2);
    expect(byHand.status).toBe('validated');
    expect(then).toMatch(field('Stato', 'validato'));
    expect(then).toMatch(field('Ditta titolare', '<span class="text-muted">nessun valore</span>'));
    const expected = diffStates(redact(byHand), redact(foldFirst(history.length)));
    expect(expected.length).toBeGreaterThan(0);
    expect(changedFields(page.body)).toEqual(
      expected.map((change) => pathView(change.path, noNames).label),
    );
    expect(section(page.body, 'differenze')).toContain('versione 4');
  });

  it('names every field in Italian and every account, company and contract by its name', async () => {
    const page = await auditor.get(`${url}?versione=2`);
    // What the page shows as readable, before the raw JSON one click away.
    const then = section(page.body, 'stato-allora').split('<details')[0]!;
    // No field is left with its name in the code (the label table's fallback).
    expect(then).not.toMatch(/<dt><code>/);
    for (const label of ['Stato', 'Contratto', 'Ditta (codice cliente)', 'Stabilimento', 'Gestore'])
      expect(then).toContain(`<dt>${label}</dt>`);
    for (const english of ['status', 'managerId', 'ownerAccountId', 'customerCode'])
      expect(textOf(then)).not.toContain(english);
    // The Studio by its name, linked to its account's stream, its id in the title.
    expect(then).toMatch(
      field(
        'Gestore',
        `<a href="/revisione/stream/account-${studioId}" title="${studioId}">${studioName}</a>`,
      ),
    );
    expect(then).toMatch(field('Ditta \\(codice cliente\\)', '<a [^>]*>Euro Oil SRL</a>'));
    expect(then).toMatch(field('Contratto', '<a [^>]*>3001234567 · Euro Oil SRL</a>'));
    // What a person reads holds names, never the accounts' ids.
    expect(textOf(then)).not.toContain(studioId);
    expect(textOf(section(page.body, 'differenze'))).not.toContain(dittaId);
  });

  it('says what changed by name: the Studio that managed, the Ditta that does now', async () => {
    const page = await auditor.get(`${url}?versione=2`);
    const rows = diffRows(page.body);
    expect(rows).toContainEqual({ field: 'Gestore', then: studioName, now: dittaName });
    expect(rows).toContainEqual({ field: 'Ditta titolare', then: 'nessun valore', now: dittaName });
    expect(rows).toContainEqual({ field: 'Gestori precedenti › n. 1', then: '—', now: studioName });
  });

  it('keeps the raw JSON of the state one click away', async () => {
    const page = await auditor.get(`${url}?versione=2`);
    const then = section(page.body, 'stato-allora');
    expect(then).toMatch(/<details[^>]*><summary>JSON originale dello stato<\/summary>/);
    expect(then).toContain(`&quot;managerId&quot;: &quot;${studioId}&quot;`);
    expect(then).toContain('&quot;status&quot;: &quot;validated&quot;');
  });

  it('marks its own tab as the page, under the Cronologia section', async () => {
    const page = await auditor.get(`${url}?versione=2`);
    expect(currentTabs(page.body)).toEqual([
      ['Cronologia', 'true'],
      ['Stato a una data', 'page'],
    ]);
    const timeline = await auditor.get(`/revisione/stream/${streamId}`);
    expect(currentTabs(timeline.body)).toEqual([
      ['Cronologia', 'true'],
      ['Eventi del flusso', 'page'],
    ]);
    const search = await auditor.get('/revisione');
    expect(currentTabs(search.body)).toEqual([['Cronologia', 'page']]);
  });

  it('shows the stream’s events in Italian too, with names for ids', async () => {
    const page = await auditor.get(`/revisione/stream/${streamId}`);
    expect(page.body).toContain(
      'Contratto di scarico · <strong>3001234567 · Euro Oil SRL</strong>',
    );
    const claimed = page.body.slice(page.body.indexOf('id="v4"'));
    expect(claimed).toMatch(/<h2[^>]*>Versione 4 · Gestione del contratto ripresa dalla ditta/);
    expect(claimed).toContain(
      `<dt>Gestore precedente</dt><dd><a href="/revisione/stream/account-${studioId}" title="${studioId}">${studioName}</a></dd>`,
    );
    expect(claimed).toMatch(
      new RegExp(`<dt>Gestore</dt><dd><a [^>]*>${escapeRegExp(dittaName)}</a>`),
    );
    expect(claimed).toMatch(/<summary>JSON originale<\/summary>/);
  });

  it('at a date and time (Italian) replays what had occurred by then', async () => {
    // 20 January 2026, 12:00 in Rome: after the validation, before the owner was linked.
    const page = await auditor.get(`${url}?al=2026-01-20T12:00`);
    expect(page.statusCode).toBe(200);
    expect(section(page.body, 'stato-allora')).toContain('Stato alla versione 2');
    expect(changedFields(page.body)).toEqual(
      diffStates(foldFirst(2), foldFirst(4)).map((change) => pathView(change.path, noNames).label),
    );
    const early = await auditor.get(`${url}?al=2026-01-01T00:00`);
    expect(section(early.body, 'stato-allora')).toContain('Stato iniziale');
    expect(section(early.body, 'stato-allora')).toMatch(field('Stato', 'nessuno'));
  });

  it('takes in the second typed and nothing later; a minute alone is its second :00', async () => {
    const at = (al: string) =>
      auditor
        .get(`/revisione/stream/${encodeURIComponent(secondsStream)}/stato?al=${al}`)
        .then((page) => section(page.body, 'stato-allora'));
    // The browser sends «10:52» for 10:52:00: the event of that second only, not the next ones.
    expect(await at('2026-02-10T10:52')).toContain('Stato alla versione 1');
    expect(await at('2026-02-10T10:52:00')).toContain('Stato alla versione 1');
    expect(await at('2026-02-10T10:52:01')).toContain('Stato alla versione 2');
    expect(await at('2026-02-10T10:52:02')).toContain('Stato alla versione 3');
    expect(await at('2026-02-10T10:51:59')).toContain('Stato iniziale');
  });

  it('without a moment shows the state now, with no differences', async () => {
    const page = await auditor.get(url);
    expect(section(page.body, 'stato-allora')).toContain('Stato alla versione 4');
    expect(section(page.body, 'stato-allora')).toMatch(
      field('Gestore', `<a [^>]*>${escapeRegExp(dittaName)}</a>`),
    );
    expect(section(page.body, 'differenze')).toContain('Nessuna differenza');
  });

  it('refuses a version past the end and a malformed date with 422', async () => {
    const far = await auditor.get(`${url}?versione=9`);
    expect(far.statusCode).toBe(422);
    expect(far.body).toContain('Il flusso arriva alla versione 4.');
    const bad = await auditor.get(`${url}?al=ieri`);
    expect(bad.statusCode).toBe(422);
  });

  it('says the state is not available for a stream without a decider', async () => {
    const page = await auditor.get('/revisione/stream/protocol-register-2026/stato');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Lo stato ricostruito non è disponibile per questo tipo di flusso');
    expect(page.body).toContain('Registro di protocollo');
  });

  it('warns when the stream it replays has a broken hash chain', async () => {
    const { db } = ctx.test.database;
    await sql`alter table events disable trigger events_append_only`.execute(db);
    await sql`update events set data = jsonb_set(data::jsonb, '{note}', '"rivisto"')::json
              where stream_id = ${streamId} and version = 2`.execute(db);
    await sql`alter table events enable trigger events_append_only`.execute(db);
    const page = await auditor.get(`${url}?versione=2`);
    expect(page.body).toContain('la catena hash del flusso è interrotta (versione 2 alterata)');
    expect(section(page.body, 'stato-allora')).toContain('Stato alla versione 2');
  });
});
