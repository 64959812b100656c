import { sql, type RawBuilder } from 'kysely';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkHead } from '../../src/audit/checkHead.js';
import { fileWitness } from '../../src/audit/headWitness.js';
import { checkTree } from '../../src/audit/treeCheck.js';
import { headOrigin, signTreeHead, UnsignableLogError } from '../../src/audit/treeHeadSigning.js';
import { packPositions } from '../../src/platform/eventStore/globalPosition.js';
import { storedTree } from '../../projections/audit/merkleTree.js';
import { treeHeadsStream } from '../../domain/audit/treeHeads.js';
import { runVerification } from '../../src/audit/verifyIntegrity.js';
import { chainHash, eventDigest } from '../../src/platform/eventStore/hashChain.js';
import type { SignedTreeHead } from '../../src/platform/transparency/treeHead.js';
import type { TestClient } from '../support/client.js';
import { newEvent } from '../support/events.js';
import { settle, startTestApp, testSeal, testTagKey, type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { auditPeople, mainOf } from './verifySupport.js';

/**
 * Someone with the database in hand — the append-only guard switched off, SQL, every hash
 * recomputed — against the Merkle tree and its signed heads. Each attack passes the per-stream
 * chains where the issue found them blind, and is named by events:verify's check (the same
 * runVerification), by the auditor's page, and by a head a filer kept (log:check-head's check).
 * The offline script's side is in exportProofs.int.test.ts.
 */
describe.each(backends())('%s: tampering against the signed tree', (backend) => {
  let ctx: TestApp;
  let auditor: TestClient;
  afterEach(async () => ctx?.close());

  const deps = () => ({
    store: ctx.store,
    db: ctx.test.database.db,
    publicKey: testSeal.publicKey,
    tagKey: testTagKey,
  });
  const signing = () => ({
    db: ctx.test.database.db,
    store: ctx.store,
    seal: testSeal,
    origin: headOrigin('Servizio Idrico Integrato'),
    clock: () => new Date(),
    witness: ctx.headWitness,
  });
  const signNow = async (): Promise<SignedTreeHead> => {
    await settle(ctx);
    const signed = await signTreeHead(signing());
    await settle(ctx);
    return signed!.head;
  };

  /** A log with a head given out (a receipt mailed), and a little more after it. */
  async function signedLog(): Promise<SignedTreeHead> {
    ctx = await startTestApp({ backend });
    auditor = (await auditPeople(ctx)).auditor;
    await ctx.store.appendToStream('contract-3007770001', [
      newEvent('ContractRegistered', { contract: '3007770001' }),
      newEvent('ContractValidated', { by: 'operator-1' }),
      newEvent('ContractClaimed', { by: 'company-1' }),
    ]);
    await ctx.store.appendToStream('contract-3007770002', [
      newEvent('ContractRegistered', { contract: '3007770002' }),
    ]);
    const mailed = await signNow();
    await ctx.store.appendToStream('contract-3007770002', [newEvent('ContractValidated')]);
    await settle(ctx);
    return mailed;
  }

  /** What someone with the database in hand does: the guard off, then SQL. */
  async function tamper(...statements: RawBuilder<unknown>[]) {
    const { db } = ctx.test.database;
    await sql`alter table events disable trigger events_append_only`.execute(db);
    for (const statement of statements) await statement.execute(db);
    await sql`alter table events enable trigger events_append_only`.execute(db);
  }

  /** events:verify's check: the chain's breaks and the tree's problems. */
  async function verify() {
    const report = await runVerification(
      {
        store: ctx.store,
        clock: () => new Date(),
        transparency: {
          db: ctx.test.database.db,
          publicKey: testSeal.publicKey,
          tagKey: testTagKey,
          witness: ctx.headWitness,
        },
      },
      {
        verificationId: randomUUID(),
        scope: 'log',
        context: {
          correlationId: randomUUID(),
          actor: { id: 'system', role: 'system' },
          clientIp: null,
        },
      },
    );
    return { breaks: report.breaks, tree: report.tree!.problems.map((p) => p.problem) };
  }

  /** The auditor's whole-log check, followed to its end as the page does. */
  async function auditorVerdict(): Promise<string> {
    const started = await auditor.post('/revisione/verifica/archivio', {});
    expect(started.statusCode).toBe(303);
    const page = started.headers.location!;
    for (let attempt = 0; attempt < 200; attempt++) {
      const partial = await auditor.get(`${page}/avanzamento`, { 'hx-request': 'true' });
      if (!partial.body.includes('hx-trigger')) return mainOf((await auditor.get(page)).body);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('The verification did not finish');
  }

  it('holds on an untouched log', async () => {
    const mailed = await signedLog();
    expect(await verify()).toEqual({ breaks: [], tree: [] });
    const page = await auditorVerdict();
    expect(page).toContain('Catena integra.');
    expect(page).toContain('corrisponde a quello registrato e alle teste firmate');
    expect(await checkHead(ctx.store, mailed, testSeal.publicKey)).toMatchObject({ outcome: 'ok' });
    // Checked where no head is kept outside the database: said, not failed.
    const elsewhere = await checkTree({
      store: ctx.store,
      db: ctx.test.database.db,
      publicKey: testSeal.publicKey,
      tagKey: testTagKey,
      witness: fileWitness(join(tmpdir(), `altrove-${randomUUID()}`, 'testa-firmata.json')),
    });
    expect(elsewhere).toMatchObject({ witnessMissing: true, problems: [] });
    expect(await checkTree({ ...deps(), witness: ctx.headWitness })).toMatchObject({
      witnessMissing: false,
    });
  });

  it('names an event rewritten with its link and the stream’s head recomputed', async () => {
    const mailed = await signedLog();
    const { events } = await ctx.store.readStream('contract-3007770001');
    const [, second, third] = events;
    const data = { by: 'company-2' };
    const link = chainHash(second!.hash, eventDigest(third!.type, data, third!.metadata));
    await tamper(
      sql`update events set data = ${JSON.stringify(data)}::json, hash = ${Buffer.from(link, 'hex')}
          where stream_id = 'contract-3007770001' and version = 3`,
      sql`update streams set last_hash = ${Buffer.from(link, 'hex')}
          where stream_id = 'contract-3007770001'`,
    );
    const found = await verify();
    expect(found.breaks).toEqual([]); // the chains hold: this is what they could not see
    // The same head is in the view, in the log and in the witness: named once.
    expect(found.tree).toEqual(['leaf', 'rewritten']);
    const page = await auditorVerdict();
    expect(page).toContain('Registro firmato non corrispondente.');
    expect(page).toContain('gli eventi non sono quelli che l’albero di Merkle aveva registrato');
    expect(page).toContain('Registro riscritto.');
    expect(page).not.toContain('Catena integra');
    expect(await checkHead(ctx.store, mailed, testSeal.publicKey)).toMatchObject({
      outcome: 'rewritten',
    });
  });

  it('names a removed last event whose stream’s head was rewritten to match', async () => {
    const mailed = await signedLog();
    const { events } = await ctx.store.readStream('contract-3007770001');
    await tamper(
      sql`delete from events where stream_id = 'contract-3007770001' and version = 3`,
      sql`update streams set version = 2, last_hash = ${Buffer.from(events[1]!.hash, 'hex')}
          where stream_id = 'contract-3007770001'`,
    );
    const found = await verify();
    expect(found.breaks).toEqual([]);
    expect(found.tree).toContain('leaf');
    expect(found.tree).toContain('shorter');
    expect(found.tree).toContain('rewritten');
    const page = await auditorVerdict();
    expect(page).toContain('eventi alterati, inseriti o rimossi');
    expect(page).toContain('Registro riscritto.');
    expect((await checkHead(ctx.store, mailed, testSeal.publicKey)).outcome).toBe('rewritten');
  });

  /** An event of contract-3007770001 put after its last, its link recomputed: no tag. */
  async function forge(version: number, previousHash: string, recordedAt: Date) {
    const forged = newEvent('ContractReleased', { by: 'chi-non-doveva' });
    const metadata = { ...forged.metadata, recordedAt: recordedAt.toISOString() };
    const link = chainHash(previousHash, eventDigest(forged.type, forged.data, metadata));
    await tamper(
      sql`insert into events (stream_id, version, event_id, type, data, metadata, hash)
          values ('contract-3007770001', ${version}, ${forged.metadata.eventId}, ${forged.type},
                  ${JSON.stringify(forged.data)}::json, ${JSON.stringify(metadata)}::json,
                  ${Buffer.from(link, 'hex')})`,
    );
    return { link, eventId: forged.metadata.eventId };
  }

  /** The stream's recorded head moved onto its last event, as the store would have. */
  const moveStreamHead = (version: number) =>
    tamper(
      sql`update streams set version = ${version}, last_hash = (select hash from events
          where stream_id = 'contract-3007770001' and version = ${version})
          where stream_id = 'contract-3007770001'`,
    );

  /** A signed log, then an event forged at its end, dated now, with the stream's head moved. */
  async function forgedAtTheEnd() {
    const mailed = await signedLog();
    const [last] = (await ctx.store.readStream('contract-3007770001', { fromVersion: 3 })).events;
    const { eventId } = await forge(4, last!.hash, new Date());
    await moveStreamHead(4);
    await settle(ctx);
    return { mailed, eventId };
  }

  it('names an event written past its stream’s head, and one forged with an earlier date', async () => {
    await signedLog();
    const [last] = (await ctx.store.readStream('contract-3007770001', { fromVersion: 3 })).events;
    // Past the stream's recorded head: the chain check names it (and not its tag again).
    const { link } = await forge(4, last!.hash, new Date());
    await settle(ctx);
    expect(await verify()).toEqual({
      breaks: [{ streamId: 'contract-3007770001', version: 4, problem: 'added' }],
      tree: [],
    });
    // The next one moves the head as well, and says it was recorded an hour ago: after a head
    // in the log, it cannot be that old.
    await forge(5, link, new Date(Date.now() - 3_600_000));
    await moveStreamHead(5);
    await settle(ctx);
    const found = await verify();
    expect(found.breaks).toEqual([]);
    expect(found.tree).toEqual(['backdated', 'untagged', 'untagged']);
    expect(await auditorVerdict()).toContain('scritto dopo, con una data anteriore');
  });

  it('names an event added at the log’s end, chain and head recomputed, and signs no head over it', async () => {
    const { mailed, eventId } = await forgedAtTheEnd();
    // Every chain and the tree hold, and the head given out still matches: only the tag tells.
    const found = await verify();
    expect(found).toEqual({ breaks: [], tree: ['untagged'] });
    expect(await checkHead(ctx.store, mailed, testSeal.publicKey)).toMatchObject({ outcome: 'ok' });
    const page = await auditorVerdict();
    expect(page).toContain(
      `L’evento ${eventId} (flusso contract-3007770001, versione 4, posizione`,
    );
    expect(page).toContain('non porta il contrassegno del portale');
    expect(page).not.toContain('Catena integra');
    // The next head would take it in: it is refused, and no head is recorded.
    const heads = await ctx.store.readStream(treeHeadsStream.id());
    await expect(signNow()).rejects.toThrow(UnsignableLogError);
    expect((await ctx.store.readStream(treeHeadsStream.id())).version).toBe(heads.version);
  });

  it('signs no head when the last head or the tree’s places were changed to step past a forged event', async () => {
    const { mailed, eventId } = await forgedAtTheEnd();
    const heads = (await ctx.store.readStream(treeHeadsStream.id())).version;
    // The last head as the view keeps it, said to cover the forged event, its root the tree's
    // at that size: not what was signed.
    const { db } = ctx.test.database;
    const root = await storedTree(db).root(mailed.size + 2);
    await sql`update tree_heads set size = ${mailed.size + 2}, root = ${root}
      where version = ${heads}`.execute(db);
    await expect(signNow()).rejects.toThrow('is not the one this portal signed');
    await sql`update tree_heads set size = ${mailed.size}, root = ${mailed.root}
      where version = ${heads}`.execute(db);
    // The place of the last leaf the head covers, pointed at the forged event: the check would
    // begin after it, but the events it reads are not the tree's leaves.
    const { rows } = await sql<{ tx_id: string; position: string }>`
      select tx_id::text as tx_id, position::text as position from events
      where event_id = ${eventId}`.execute(db);
    const forged = packPositions([
      { commit: BigInt(rows[0]!.tx_id), prepare: BigInt(rows[0]!.position) },
    ]);
    await sql`update merkle_tiles set positions =
      overlay(positions placing ${forged} from ${(mailed.size - 1) * 16 + 1} for 16)
      where level = 0 and tile_index = 0`.execute(db);
    await expect(signNow()).rejects.toThrow(UnsignableLogError);
    expect((await ctx.store.readStream(treeHeadsStream.id())).version).toBe(heads);
  });

  it('signs no head over a link, a subtree or a head rewritten behind its check', async () => {
    const first = await signedLog();
    await signNow();
    await ctx.store.appendToStream('contract-3007770002', [newEvent('ContractClaimed')]);
    const { db } = ctx.test.database;
    const heads = (await ctx.store.readStream(treeHeadsStream.id())).version;
    const headRow = (head: SignedTreeHead) =>
      sql`update tree_heads set size = ${head.size}, root = ${head.root},
        signed_at = ${head.signedAt}, signature = ${head.signature} where version = ${heads}`;
    // A genuine event's link set to a forged event's, to swap the content in once signed.
    const [genuine] = (await ctx.store.readStream('contract-3007770002', { fromVersion: 3 }))
      .events;
    const [previous] = (await ctx.store.readStream('contract-3007770002', { fromVersion: 2 }))
      .events;
    const forged = newEvent('ContractReleased', { by: 'chi-non-doveva' });
    const link = chainHash(
      previous!.hash,
      eventDigest(forged.type, forged.data, {
        ...forged.metadata,
        recordedAt: new Date().toISOString(),
      }),
    );
    const set = (hash: string) =>
      sql`update events set hash = ${Buffer.from(hash, 'hex')}
        where stream_id = 'contract-3007770002' and version = 3`;
    await tamper(set(link));
    await expect(signNow()).rejects.toThrow('not linked to their streams');
    await tamper(set(genuine!.hash));
    // The stored subtrees above the leaves, rewritten: the root grown from the events differs.
    await sql`update merkle_tiles set inner_hashes = decode(repeat('00', length(inner_hashes)), 'hex')
      where level = 0 and tile_index = 0`.execute(db);
    await expect(signNow()).rejects.toThrow(UnsignableLogError);
    // An older head this portal did sign, put back in the view as its last: the head kept
    // outside the database is newer, and not one the log holds after the view's last.
    await tamper(headRow(first));
    await settle(ctx);
    await expect(signTreeHead(signing())).rejects.toThrow('older than the one kept outside it');
    // The view a moment behind instead: the head kept outside is in the log after the view's
    // last. Nothing is signed, and nothing is named.
    await sql`delete from tree_heads where version = ${heads}`.execute(db);
    expect(await signTreeHead(signing())).toBeNull();
    expect((await ctx.store.readStream(treeHeadsStream.id())).version).toBe(heads);
  });

  it('names a log cut back to before a mailed head, its heads and tree with it', async () => {
    const mailed = await signedLog();
    const { rows } = await sql<{ position: string }>`
      select position::text as position from events
      where stream_id = 'contract-3007770001' and version = 1`.execute(ctx.test.database.db);
    const cut = rows[0]!.position;
    await ctx.projections.stop();
    await tamper(
      sql`delete from events where position >= ${cut}`,
      // Every stream's recorded head put back to what is left, so the chains hold.
      sql`delete from streams s where not exists
          (select 1 from events e where e.stream_id = s.stream_id)`,
      sql`update streams s set version = l.version, last_hash = l.hash
          from (select distinct on (stream_id) stream_id, version, hash from events
                order by stream_id, version desc) l
          where l.stream_id = s.stream_id and l.version <> s.version`,
      sql`delete from merkle_tiles`,
      sql`delete from tree_heads`,
    );
    const found = await verify();
    expect(found.breaks).toEqual([]);
    // Only the head kept outside the database remembers.
    expect(found.tree).toEqual(['truncated']);
    expect(await auditorVerdict()).toContain(
      `La testa firmata conservata fuori dalla banca dati copre ${mailed.size} eventi`,
    );
    expect(await checkHead(ctx.store, mailed, testSeal.publicKey)).toMatchObject({
      outcome: 'truncated',
      size: mailed.size,
    });
    expect(ctx.headWitness.read()).toMatchObject({ size: mailed.size });
  });
});
