import { Zip, ZipDeflate } from 'fflate';
import { sql, type Kysely } from 'kysely';
import { createHash, type Hash as Digest, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { latestTreeHead } from '../../projections/audit/treeHeads.js';
import type { Schema } from '../platform/db/schema.js';
import type {
  EventMetadata,
  EventStore,
  GlobalPosition,
  JsonObject,
} from '../platform/eventStore/eventStore.js';
import { comparePositions, formatPosition } from '../platform/eventStore/globalPosition.js';
import { genesisHash } from '../platform/eventStore/hashChain.js';
import { leafHash, rangeHashes, type Hash } from '../platform/transparency/merkle.js';
import type { SignedTreeHead } from '../platform/transparency/treeHead.js';
import { chainHeads, eventsTable, logHead, type AuditLog } from './auditLog.js';
import {
  csvHeader,
  exportLine,
  transparencyClosing,
  transparencyFormat,
  transparencyLine,
  transparencyOpening,
  type ExportedEvent,
} from './exportFormat.js';
import type { EventsExported, EventsExportFailed } from './exportRecord.js';
import { searchHistory, type HistoryCursor, type HistoryFilter } from './historySearch.js';
import { redacted } from './redact.js';

export interface ExportDeps {
  readonly db: Kysely<Schema>;
  readonly store: EventStore;
  readonly log: AuditLog;
  /**
   * The key that signs the tree heads, written into trasparenza.json for the checker. Without it
   * (a bare export in a test) the file names no key, and the checker needs --chiave for the head.
   */
  readonly sealPublicKey?: KeyObject;
}

/**
 * How an export ends, recorded by the caller (exportRecord.ts). `exported` runs before the zip's
 * last bytes leave: no complete export is ever delivered without its record, and a failure to
 * record breaks the download. `failed` runs when it stops early, with what was written.
 */
export interface ExportOutcome {
  exported(data: EventsExported['data']): Promise<void>;
  failed(data: EventsExportFailed['data']): Promise<void>;
}

export interface ExportRequest {
  /** Named in the manifest and in the export's event, so each can be found from the other. */
  readonly exportId: string;
  readonly filter: HistoryFilter;
  /** The form as the auditor filled it, for the manifest. */
  readonly form: Readonly<Record<string, string>>;
  readonly generatedBy: {
    readonly accountId: string;
    readonly name: string;
    readonly role: string;
  };
  readonly generatedAt: Date;
}

/** The offline checker travels with every export, listed in SHA256SUMS like the rest. */
const verifierSource = readFileSync(new URL('../../scripts/verifyExport.mjs', import.meta.url));

const pageSize = 1_000;

/**
 * The zip of an export, streamed as it is written: events.jsonl, events.csv and trasparenza.json
 * (the last two buffered, compressed, by fflate until the JSONL is complete), then manifest.json,
 * SHA256SUMS and verifyExport.mjs. Events are those of the history search with the same filter,
 * oldest first, up to the head of the log when the export started; trasparenza.json proves each
 * one in the newest signed tree head of the log (exportFormat.ts).
 */
export function exportArchive(
  deps: ExportDeps,
  request: ExportRequest,
  outcome: ExportOutcome,
): Readable {
  const out = new PassThrough();
  const progress = { events: 0, recorded: false };
  writeArchive(deps, request, out, progress, outcome).catch(async (error: unknown) => {
    if (!progress.recorded) {
      try {
        await outcome.failed({
          exportId: request.exportId,
          filters: { form: request.form, applied: request.filter },
          reason: out.destroyed ? 'Scaricamento interrotto prima della fine.' : reasonOf(error),
          events: progress.events,
          generatedAt: request.generatedAt.toISOString(),
        });
      } catch (recordError) {
        error = new AggregateError([error, recordError], 'Export failed and was not recorded');
      }
    }
    out.destroy(error as Error);
  });
  return out;
}

const reasonOf = (error: unknown): string =>
  `Errore del servizio: ${(error instanceof Error ? error.message : String(error)).slice(0, 300)}`;

class ZipFile {
  readonly entry: ZipDeflate;
  private readonly sha256: Digest = createHash('sha256');
  bytes = 0;
  lines = 0;

  constructor(name: string, mtime: Date) {
    this.entry = new ZipDeflate(name, { level: 6 });
    this.entry.mtime = mtime;
  }

  push(text: string, lines: number, final = false): void {
    const chunk = Buffer.from(text, 'utf8');
    this.sha256.update(chunk);
    this.bytes += chunk.length;
    this.lines += lines;
    this.entry.push(chunk, final);
  }

  summary() {
    return { sha256: this.sha256.digest('hex'), bytes: this.bytes, lines: this.lines };
  }
}

interface StreamSpan {
  events: number;
  firstVersion: number;
  lastVersion: number;
  previousHash: string | null;
}

async function writeArchive(
  deps: ExportDeps,
  request: ExportRequest,
  out: PassThrough,
  progress: { events: number; recorded: boolean },
  outcome: ExportOutcome,
): Promise<void> {
  const chunks: Uint8Array[] = [];
  const archive = { sha256: createHash('sha256'), bytes: 0 };
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    archive.sha256.update(chunk);
    archive.bytes += chunk.length;
    chunks.push(chunk);
  });
  const flush = async () => {
    for (const chunk of chunks.splice(0)) {
      if (out.destroyed) throw new Error('The download was interrupted');
      // A client gone while the buffer is full never drains: its close ends the wait too.
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
  };
  const mtime = request.generatedAt;
  const jsonl = new ZipFile('events.jsonl', mtime);
  const csv = new ZipFile('events.csv', mtime);
  const proofs = new ZipFile('trasparenza.json', mtime);
  zip.add(jsonl.entry);
  zip.add(csv.entry);
  zip.add(proofs.entry);
  csv.push(`\uFEFF${csvHeader}`, 0);

  const upTo = await logHead(deps);
  const head = upTo ? await signedHead(deps, upTo) : null;
  const publicKeyPem = deps.sealPublicKey?.export({ type: 'spki', format: 'pem' }).toString();
  proofs.push(transparencyOpening(head, publicKeyPem ?? null, wholeLog(request.filter)), 0);
  const proven = { events: 0, notCovered: 0 };
  const streams = new Map<string, StreamSpan>();
  let redactedEvents = 0;
  let after: HistoryCursor | null = null;
  while (upTo) {
    const page = await searchHistory(deps.db, deps.log, {
      filter: request.filter,
      order: 'oldest',
      ordering: 'log',
      after,
      limit: pageSize,
    });
    const rows = page.rows.filter((row) => comparePositions(row.position, upTo) <= 0);
    const events = await loadEvents(
      deps,
      rows.map((row) => row.position),
    );
    const previous = await previousHashes(deps, events, streams);
    const inclusion = await inclusionProofs(
      deps.db,
      head,
      events.map((event) => event.leaf),
    );
    let json = '';
    let table = '';
    let evidence = '';
    for (const event of events) {
      const known = streams.get(event.streamId);
      const previousHash = previous.get(`${event.streamId}\u0000${event.version - 1}`);
      const line = exportLine(event, previousHash);
      json += `${line.json}\n`;
      table += line.csv;
      if (line.redacted) redactedEvents++;
      const proof = event.leaf === null ? null : (inclusion.get(event.leaf) ?? null);
      const first = proven.events + proven.notCovered === 0;
      evidence += transparencyLine(event, event.leaf, proof, first);
      if (proof) proven.events++;
      else proven.notCovered++;
      if (known) {
        known.events++;
        known.lastVersion = event.version;
      } else {
        streams.set(event.streamId, {
          events: 1,
          firstVersion: event.version,
          lastVersion: event.version,
          previousHash: event.version === 1 ? genesisHash : (previousHash ?? null),
        });
      }
    }
    if (events.length > 0) {
      jsonl.push(json, events.length);
      csv.push(table, events.length);
      proofs.push(evidence, events.length);
      progress.events += events.length;
      await flush();
    }
    if (!page.next || rows.length < page.rows.length) break;
    after = page.next;
  }
  jsonl.push('', 0, true);
  csv.push('', 0, true);
  proofs.push(transparencyClosing, 0, true);

  const files = {
    'events.jsonl': jsonl.summary(),
    'events.csv': csv.summary(),
    'trasparenza.json': proofs.summary(),
  };
  const manifest = {
    format: 'dichiara-export/2',
    exportId: request.exportId,
    generatedAt: request.generatedAt.toISOString(),
    generatedBy: request.generatedBy,
    filters: { form: request.form, applied: request.filter },
    upTo: upTo ? formatPosition(upTo) : null,
    counts: {
      events: files['events.jsonl'].lines,
      streams: streams.size,
      redactedEvents,
    },
    files,
    hashing: {
      digest:
        'SHA-256 of the canonical JSON of { type, data, metadata }: keys sorted by UTF-16 code units at every depth, no whitespace, strings and numbers as JSON.stringify writes them',
      link: 'hash = SHA-256(previous hash bytes ‖ digest bytes); before version 1 the previous hash is 64 zeros',
    },
    redaction: {
      replacement: redacted,
      fields:
        'any key matching /password|passwd|secret|token/i, at any depth, whose value is not null, true or false; no other field',
      proof:
        'a redacted event carries digest (the SHA-256 the chain covers) and the redacted paths; its link is checked from the digest',
    },
    streams: Object.fromEntries(streams),
    chainHeads: await chainHeads(deps.db, deps.log, [...streams.keys()]),
    transparency: {
      file: 'trasparenza.json',
      format: transparencyFormat,
      head: head && { size: head.size, signedAt: head.signedAt, root: head.root.toString('hex') },
      proven: proven.events,
      notCovered: proven.notCovered,
      check:
        'each proven event: its leaf SHA-256(0x00 ‖ hash) and inclusion proof against the signed head (RFC 9162), the head against the Ed25519 key',
    },
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const sums = [
    `${files['events.jsonl'].sha256}  events.jsonl`,
    `${files['events.csv'].sha256}  events.csv`,
    `${files['trasparenza.json'].sha256}  trasparenza.json`,
    `${sha256(manifestText)}  manifest.json`,
    `${sha256(verifierSource)}  verifyExport.mjs`,
  ];
  for (const [name, content] of [
    ['manifest.json', manifestText],
    ['SHA256SUMS', `${sums.join('\n')}\n`],
    ['verifyExport.mjs', verifierSource.toString('utf8')],
  ] as const) {
    const file = new ZipFile(name, mtime);
    zip.add(file.entry);
    file.push(content, 0, true);
  }
  zip.end();
  // Every byte is in `chunks` now, not yet sent: the record comes first (ExportOutcome).
  await outcome.exported({
    exportId: request.exportId,
    filters: manifest.filters,
    upTo: manifest.upTo,
    counts: manifest.counts,
    files: {
      'events.jsonl': { sha256: files['events.jsonl'].sha256, bytes: files['events.jsonl'].bytes },
      'events.csv': { sha256: files['events.csv'].sha256, bytes: files['events.csv'].bytes },
      'trasparenza.json': {
        sha256: files['trasparenza.json'].sha256,
        bytes: files['trasparenza.json'].bytes,
      },
      'manifest.json': { sha256: sha256(manifestText), bytes: Buffer.byteLength(manifestText) },
    },
    archive: { sha256: archive.sha256.digest('hex'), bytes: archive.bytes },
    generatedAt: manifest.generatedAt,
  });
  progress.recorded = true;
  await flush();
  out.end();
}

const sha256 = (content: string | Buffer): string =>
  createHash('sha256').update(content).digest('hex');

/** An event with its leaf in the Merkle tree, null while the tree has not taken it in. */
interface LoadedEvent extends ExportedEvent {
  readonly leaf: number | null;
}

async function loadEvents(
  deps: ExportDeps,
  positions: readonly GlobalPosition[],
): Promise<LoadedEvent[]> {
  if (positions.length === 0) return [];
  // ORDER BY names the table's columns: the output columns are text ('10' < '9').
  const { rows } = await sql<{
    tx_id: string;
    position: string;
    stream_id: string;
    version: number;
    type: string;
    data: JsonObject;
    metadata: EventMetadata;
    hash: Buffer;
    leaves: string[];
  }>`
    select events.tx_id::text as tx_id, events.position::text as position, stream_id, version,
      type, data, metadata, hash,
      -- The tree knows an event by the id in its metadata, as its projection read it.
      array(select leaves.leaf_index::text from merkle_leaves leaves
            where leaves.event_id = events.metadata ->> 'eventId'
            order by leaves.leaf_index) as leaves
    from unnest(${positions.map((p) => p.commit.toString())}::text[],
      ${positions.map((p) => p.prepare.toString())}::bigint[]) as p(tx_id, position)
    join ${eventsTable(deps.log)}
      on events.tx_id = p.tx_id::xid8 and events.position = p.position
    order by events.tx_id, events.position`.execute(deps.db);
  const events = rows.map((row) => ({
    streamId: row.stream_id,
    version: row.version,
    position: { commit: BigInt(row.tx_id), prepare: BigInt(row.position) },
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    hash: row.hash.toString('hex'),
    leaves: row.leaves.map(Number),
  }));
  const chosen = await leavesOf(deps.db, events);
  return events.map(({ leaves: _leaves, ...event }, i) => ({ ...event, leaf: chosen[i] ?? null }));
}

/**
 * Each event's leaf. KurrentDB may hold one id in two streams, so an id can name two leaves:
 * then the one whose stored leaf hash is this event's (one query for all of them), else the
 * first, whose proof the checker will then refuse.
 */
async function leavesOf(
  db: Kysely<Schema>,
  events: readonly { hash: string; leaves: readonly number[] }[],
): Promise<(number | null)[]> {
  const ambiguous = events.flatMap((event) => (event.leaves.length > 1 ? event.leaves : []));
  const stored = await treeNodes(
    db,
    ambiguous.map((index) => ({ level: 0, index })),
  );
  return events.map(({ hash, leaves }) => {
    if (leaves.length <= 1) return leaves[0] ?? null;
    const own = leafHash(Buffer.from(hash, 'hex'));
    return leaves.find((index) => stored.get(`0/${index}`)?.equals(own)) ?? leaves[0]!;
  });
}

/**
 * The stored hash before each event whose predecessor is not in the export: null when that
 * predecessor is not in the log either (the checker then names the gap).
 */
async function previousHashes(
  deps: ExportDeps,
  events: readonly ExportedEvent[],
  streams: ReadonlyMap<string, StreamSpan>,
): Promise<Map<string, string | null>> {
  const last = new Map<string, number>();
  const wanted: { streamId: string; version: number }[] = [];
  for (const event of events) {
    const before = last.get(event.streamId) ?? streams.get(event.streamId)?.lastVersion;
    if (event.version > 1 && before !== event.version - 1) {
      wanted.push({ streamId: event.streamId, version: event.version - 1 });
    }
    last.set(event.streamId, event.version);
  }
  const found = new Map<string, string | null>(
    wanted.map((w) => [`${w.streamId}\u0000${w.version}`, null]),
  );
  if (wanted.length === 0) return found;
  const { rows } = await sql<{ stream_id: string; version: number; hash: Buffer }>`
    select events.stream_id, events.version, events.hash
    from unnest(${wanted.map((w) => w.streamId)}::text[], ${wanted.map((w) => w.version)}::int[])
      as w(stream_id, version)
    join ${eventsTable(deps.log)}
      on events.stream_id = w.stream_id and events.version = w.version`.execute(deps.db);
  for (const row of rows)
    found.set(`${row.stream_id}\u0000${row.version}`, row.hash.toString('hex'));
  return found;
}

/**
 * Whether the filter selects every event: the export is then the whole log up to its end, and
 * the checker expects every leaf the head covers. Only the two settings that select nothing by
 * themselves are let through: a filter added later counts as a filter.
 */
const wholeLog = (filter: HistoryFilter): boolean =>
  Object.entries(filter).every(
    ([key, value]) => value === undefined || key === 'streamPrefix' || key === 'timeField',
  );

/** The tree view lacks a subtree the head covered: rebuilt shorter since, or tampered with. */
class MissingSubtree extends Error {}

/**
 * The newest signed head, which the export's events are proven against. A copy of the log
 * (KurrentDB) may lag behind the tree, which follows the store itself: the head is then the
 * newest one within the copy's end, so that it covers no event the export cannot hold. The
 * store's own table never lags: a head past its end is kept, and the checker names the gap.
 */
async function signedHead(deps: ExportDeps, upTo: GlobalPosition): Promise<SignedTreeHead | null> {
  const latest = await latestTreeHead(deps.db);
  if (!latest || deps.log.table === 'events') return latest;
  const { rows } = await sql<{ leaf: string | null }>`
    select max(leaves.leaf_index)::text as leaf from ${eventsTable(deps.log)}
    join merkle_leaves leaves on leaves.event_id = events.metadata ->> 'eventId'
    where events.tx_id = ${upTo.commit.toString()}::xid8
      and events.position = ${upTo.prepare.toString()}`.execute(deps.db);
  const reach = rows[0]?.leaf ? Number(rows[0].leaf) + 1 : null;
  if (reach === null || latest.size <= reach) return latest;
  const within = await sql<{
    size: string;
    origin: string;
    root: Buffer;
    signed_at: Date;
    signature: string;
  }>`
    select size::text as size, origin, root, signed_at, signature from tree_heads
    where size <= ${reach} order by version desc limit 1`.execute(deps.db);
  const row = within.rows[0];
  return row
    ? {
        origin: row.origin,
        size: Number(row.size),
        root: Buffer.from(row.root),
        signedAt: row.signed_at.toISOString(),
        signature: row.signature,
      }
    : null;
}

/**
 * The inclusion proofs of these leaves in the head's tree, by leaf; none for a leaf it does not
 * cover. A proof's shape depends on the sizes alone, so a first pass with blank hashes names the
 * stored subtrees all of them need, and one query reads them: O(k log n) nodes for k leaves,
 * fewer where neighbouring leaves share them, in one round trip per page.
 */
async function inclusionProofs(
  db: Kysely<Schema>,
  head: SignedTreeHead | null,
  leaves: readonly (number | null)[],
): Promise<Map<number, Hash[]>> {
  const proofs = new Map<number, Hash[]>();
  if (!head) return proofs;
  const covered = leaves.filter((leaf): leaf is number => leaf !== null && leaf < head.size);
  const wanted = new Map<string, { level: number; index: number }>();
  const blank = Buffer.alloc(32);
  const plan = rangeHashes(async (level, index) => {
    wanted.set(`${level}/${index}`, { level, index });
    return blank;
  });
  for (const leaf of covered) await plan.inclusionProof(leaf, head.size);
  const nodes = await treeNodes(db, [...wanted.values()]);
  const tree = rangeHashes(async (level, index) => {
    const hash = nodes.get(`${level}/${index}`);
    if (!hash) throw new MissingSubtree(`No subtree ${level}/${index}`);
    return hash;
  });
  for (const leaf of covered) {
    try {
      proofs.set(leaf, await tree.inclusionProof(leaf, head.size));
    } catch (error) {
      // The export still goes out, that leaf without a proof: the checker names an event the
      // signed head covers but nothing proves, rather than the portal refusing the evidence.
      if (!(error instanceof MissingSubtree)) throw error;
    }
  }
  return proofs;
}

async function treeNodes(
  db: Kysely<Schema>,
  wanted: readonly { level: number; index: number }[],
): Promise<Map<string, Hash>> {
  if (wanted.length === 0) return new Map();
  const { rows } = await sql<{ level: number; node_index: string; hash: Buffer }>`
    select nodes.level, nodes.node_index::text as node_index, nodes.hash
    from unnest(${wanted.map((node) => node.level)}::int[],
      ${wanted.map((node) => String(node.index))}::bigint[]) as w(level, node_index)
    join merkle_nodes nodes on nodes.level = w.level and nodes.node_index = w.node_index`.execute(
    db,
  );
  return new Map(rows.map((row) => [`${row.level}/${row.node_index}`, Buffer.from(row.hash)]));
}
