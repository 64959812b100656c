import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractDecider } from '../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { redact } from '../../src/audit/redact.js';
import { diffStates } from '../../src/audit/stateAsOf.js';
import type { JsonObject, NewEvent } from '../../src/platform/eventStore/eventStore.js';
import type { TestClient } from '../support/client.js';
import { settle, signedIn, startTestApp, type TestApp } from '../support/testApp.js';
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
const history: [ContractEvent, string][] = [
  [
    {
      type: 'ContractDeclared',
      data: {
        contractNumber: '3001234567',
        customerCode: '1001234567',
        companyName: 'Euro Oil SRL',
        plant,
        declaredBy: { accountId: 'studio-1', kind: 'studio' },
      },
    },
    '2026-01-10T09:00:00.000Z',
  ],
  [{ type: 'ContractValidated', data: { note: null } }, '2026-01-11T09:00:00.000Z'],
  [
    { type: 'ContractOwnerLinked', data: { ownerAccountId: 'ditta-1' } },
    '2026-02-01T09:00:00.000Z',
  ],
  [
    { type: 'ContractClaimed', data: { previousManagerId: 'studio-1', managerId: 'ditta-1' } },
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

/** Replaying by hand: the decider's evolve over the first `count` events. */
const foldFirst = (count: number) =>
  history
    .slice(0, count)
    .reduce(
      (state, [event]) => contractDecider.evolve(state, event),
      contractDecider.initialState(),
    );

/** The page's text between two headings' ids, whitespace folded. */
function section(body: string, id: string): string {
  const start = body.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`No section ${id}`);
  const end = body.indexOf('</section>', start);
  return body.slice(start, end).replace(/\s+/g, ' ').replace(/> </g, '><');
}

/** The changed paths the diff table lists, in order. */
const changedPaths = (body: string): string[] =>
  [...section(body, 'differenze').matchAll(/<th scope="row"[^>]*><code>([^<]*)<\/code>/g)].map(
    (m) => m[1]!,
  );

const field = (name: string, value: string) =>
  new RegExp(`<code>${name}</code></dt><dd[^>]*> ?${value} ?</dd>`);

describe.each(backends())('%s: state as of (/revisione/stream/:id/stato)', (backend) => {
  let ctx: TestApp;
  let auditor: TestClient;
  const url = `/revisione/stream/${encodeURIComponent(streamId)}/stato`;

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    await createStaffAccount(
      ctx.store,
      { role: 'auditor', ...auditorLogin, fullName: 'Renato Revisore', email: 'r@gestore.example' },
      systemContext(new Date()),
    );
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
    expect(then).toMatch(field('status', byHand.status));
    expect(then).toMatch(field('managerId', byHand.managerId!));
    expect(then).toMatch(field('ownerAccountId', '<span class="text-muted">nessun valore</span>'));
    const expected = diffStates(redact(byHand), redact(foldFirst(history.length)));
    expect(expected.length).toBeGreaterThan(0);
    expect(changedPaths(page.body)).toEqual(expected.map((change) => change.path));
    expect(section(page.body, 'differenze')).toContain('versione 4');
  });

  it('at a date and time (Italian) replays what had occurred by then', async () => {
    // 20 January 2026, 12:00 in Rome: after the validation, before the owner was linked.
    const page = await auditor.get(`${url}?al=2026-01-20T12:00`);
    expect(page.statusCode).toBe(200);
    expect(section(page.body, 'stato-allora')).toContain('Stato alla versione 2');
    expect(changedPaths(page.body)).toEqual(
      diffStates(foldFirst(2), foldFirst(4)).map((change) => change.path),
    );
    const early = await auditor.get(`${url}?al=2026-01-01T00:00`);
    expect(section(early.body, 'stato-allora')).toContain('Stato iniziale');
    expect(section(early.body, 'stato-allora')).toMatch(field('status', 'none'));
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
    expect(section(page.body, 'stato-allora')).toMatch(field('managerId', 'ditta-1'));
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
