import { sql } from 'kysely';
import { treeHeadsStream } from '../../domain/audit/treeHeads.js';
import { headOrigin, signTreeHead } from '../../src/audit/treeHeadSigning.js';
import { testSeal } from '../../test/support/testApp.js';
import { pino } from 'pino';
import {
  leafHashAt,
  merkleTreeProjection,
  storedTree,
  treeSize,
} from '../../projections/audit/merkleTree.js';
import type { Database } from '../../src/platform/db/database.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import type { LeafProjection } from '../../src/platform/subscriptions/projection.js';
import { ProjectionRunner } from '../../src/platform/subscriptions/projectionRunner.js';
import {
  growingTree,
  leafHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/platform/transparency/merkle.js';
import { Random } from './auditLogRandom.js';
import type { Pass } from './auditLogVerify.js';
import { timingOf, type Timing } from './timing.js';

/** The log's own tree, grown from the events' hashes in commit order, apart from any projection. */
export interface LogTree {
  readonly size: number;
  readonly root: Hash;
}

/** One rebuild of merkle_tree, as `projections:rebuild merkle_tree` runs it. */
export interface RebuildPass extends Pass {
  /** Inside merkleTreeProjection.applyLeaves: open tiles read, hashing, upsert. The rest is the runner's. */
  readonly applySeconds: number;
  /** The tree afterwards: its size and whether its root is the log's. */
  readonly leaves: number;
  readonly rootMatches: boolean;
}

export interface ProofTiming extends Timing {
  /** Proofs that verifyInclusion / verifyConsistency (RFC 9162) rejected. */
  readonly failures: number;
}

export interface ProofFigures {
  readonly treeSize: number;
  readonly inclusion: ProofTiming;
  readonly consistency: ProofTiming;
}

export async function logTree(database: Database): Promise<LogTree> {
  const grown = growingTree();
  let after = { tx: '0', position: '0' };
  for (;;) {
    // ORDER BY names the table's columns: `position` alone would sort the text output column.
    const { rows } = await sql<{ tx: string; position: string; hash: Buffer }>`
      select tx_id::text as tx, position::text as position, hash from events
      where (tx_id, position) > (${after.tx}::xid8, ${after.position}::bigint)
      order by events.tx_id, events.position limit 50000`.execute(database.db);
    for (const row of rows) grown.add(leafHash(row.hash));
    const last = rows.at(-1);
    if (!last) return { size: grown.size, root: grown.root() };
    after = last;
  }
}

/**
 * Empties merkle_tree and replays the whole log into it with the production runner. The projection
 * is merkleTreeProjection itself, wrapped only to clock the time spent inside its apply.
 */
export async function rebuildTree(
  database: Database,
  store: EventStore,
  expected: LogTree,
): Promise<RebuildPass> {
  let applyMs = 0;
  const clocked: LeafProjection = {
    ...merkleTreeProjection,
    async applyLeaves(trx, leaves) {
      const started = performance.now();
      await merkleTreeProjection.applyLeaves(trx, leaves);
      applyMs += performance.now() - started;
    },
  };
  const runner = new ProjectionRunner({
    db: database.db,
    store,
    projections: [clocked],
    logger: pino({ level: 'silent' }),
  });
  const started = performance.now();
  const events = await runner.rebuild(clocked.name);
  const seconds = (performance.now() - started) / 1000;
  const leaves = await treeSize(database.db);
  const root = await storedTree(database.db).root(leaves);
  return {
    events,
    seconds,
    eventsPerSecond: events / seconds,
    applySeconds: applyMs / 1000,
    leaves,
    rootMatches: leaves === expected.size && root.equals(expected.root),
  };
}

/**
 * A portal's log has a head at most a minute old, and the checks read the events past it alone
 * for their tags: a log without any is given one, signed over the tree built for it (once; the
 * signer reads every event for its tag then), so the checks time what a portal's log gives them.
 */
export async function ensureSignedHead(database: Database, store: EventStore): Promise<void> {
  if ((await store.readStream(treeHeadsStream.id(), { toVersion: 1 })).version > 0) return;
  await rebuildTree(database, store, await logTree(database));
  const signed = await signTreeHead({
    db: database.db,
    store,
    seal: testSeal,
    origin: headOrigin('Banco di prova'),
    clock: () => new Date(),
  });
  if (!signed) throw new Error('No head could be signed over the bench log');
}

/**
 * Inclusion proofs of random leaves in the whole tree and consistency proofs between random sizes,
 * one at a time through storedTree (what /trasparenza/inclusione and /coerenza call); each proof
 * is then checked with the RFC's verifiers, untimed.
 */
export async function measureProofs(
  database: Database,
  options: { seed: number; runs: number; warmup: number },
): Promise<ProofFigures> {
  const { db } = database;
  const size = await treeSize(db);
  const tree = storedTree(db);
  const random = new Random(options.seed).fork('merkle proofs');
  const count = options.warmup + options.runs;
  const leaves = Array.from({ length: count }, () => random.int(0, size - 1));
  const pairs = Array.from({ length: count }, () => {
    const second = random.int(2, size);
    return [random.int(1, second - 1), second] as const;
  });
  const inclusion = await timeEach(leaves, options.warmup, (leaf) =>
    tree.inclusionProof(leaf, size),
  );
  const consistency = await timeEach(pairs, options.warmup, ([first, second]) =>
    tree.consistencyProof(first, second),
  );
  const root = await tree.root(size);
  let inclusionFailures = 0;
  for (const [i, proof] of inclusion.proofs.entries()) {
    const leaf = leaves[options.warmup + i]!;
    const hash = await leafHashAt(db, leaf);
    if (!hash || !verifyInclusion(hash, leaf, size, proof, root)) inclusionFailures++;
  }
  let consistencyFailures = 0;
  for (const [i, proof] of consistency.proofs.entries()) {
    const [first, second] = pairs[options.warmup + i]!;
    const [firstRoot, secondRoot] = [await tree.root(first), await tree.root(second)];
    if (!verifyConsistency(first, second, firstRoot, secondRoot, proof)) consistencyFailures++;
  }
  return {
    treeSize: size,
    inclusion: { ...timingOf(inclusion.latencies), failures: inclusionFailures },
    consistency: { ...timingOf(consistency.latencies), failures: consistencyFailures },
  };
}

/** The first `warmup` inputs untimed, then each of the others timed, one at a time. */
async function timeEach<T>(
  inputs: readonly T[],
  warmup: number,
  prove: (input: T) => Promise<Hash[]>,
): Promise<{ latencies: number[]; proofs: Hash[][] }> {
  for (const input of inputs.slice(0, warmup)) await prove(input);
  const latencies: number[] = [];
  const proofs: Hash[][] = [];
  for (const input of inputs.slice(warmup)) {
    const started = performance.now();
    proofs.push(await prove(input));
    latencies.push(performance.now() - started);
  }
  return { latencies, proofs };
}
