import { Zip, ZipDeflate } from 'fflate';
import { sql, type Kysely } from 'kysely';
import { createHash, type Hash as Digest, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import type { Schema } from '../platform/db/schema.js';
import type {
  EventMetadata,
  EventStore,
  GlobalPosition,
  JsonObject,
} from '../platform/eventStore/eventStore.js';
import { comparePositions, formatPosition } from '../platform/eventStore/globalPosition.js';
import { genesisHash } from '../platform/eventStore/hashChain.js';
import { chainHeads, eventsTable, type AuditLog } from './auditLog.js';
import { csvHeader, dataPath, exportLine, type ExportedEvent } from './exportFormat.js';
import { exportEnd, exportProofs } from './exportProofs.js';
import type { EventsExported, EventsExportFailed } from './exportRecord.js';
import { searchHistory, type HistoryCursor, type HistoryFilter } from './historySearch.js';
import { redacted } from './redact.js';
import { storedShown } from '../platform/personalData/sealedEventStore.js';

export interface ExportDeps {
  readonly db: Kysely<Schema>;
  readonly store: EventStore;
  readonly log: AuditLog;
  /** The key that signs the tree heads, written into trasparenza.json for the checker. */
  readonly sealPublicKey: KeyObject;
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
 * one in the newest signed tree head of the log (exportProofs.ts).
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
  const transparency = new ZipFile('trasparenza.json', mtime);
  zip.add(jsonl.entry);
  zip.add(csv.entry);
  zip.add(transparency.entry);
  csv.push(`\uFEFF${csvHeader}`, 0);

  const { upTo, head } = await exportEnd(deps);
  const proofs = exportProofs(deps, head, request.filter);
  transparency.push(proofs.opening, 0);
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
    const evidence = await proofs.entries(events);
    let json = '';
    let table = '';
    for (const event of events) {
      const known = streams.get(event.streamId);
      const previousHash = previous.get(`${event.streamId}\u0000${event.version - 1}`);
      const line = exportLine(event, previousHash);
      json += `${line.json}\n`;
      table += line.csv;
      if (line.redacted) redactedEvents++;
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
      transparency.push(evidence, events.length);
      progress.events += events.length;
      await flush();
    }
    if (!page.next || rows.length < page.rows.length) break;
    after = page.next;
  }
  jsonl.push('', 0, true);
  csv.push('', 0, true);
  transparency.push(proofs.closing, 0, true);

  const files = {
    'events.jsonl': jsonl.summary(),
    'events.csv': csv.summary(),
    'trasparenza.json': transparency.summary(),
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
    personalData: {
      sealed:
        'a person\'s name, phone and e-mail are stored sealed ("sealed:v1:<key id>:<AES-256-GCM box>", one key per person): data holds them as stored, and the chain covers that',
      opened:
        'personal: the same fields opened, by path; "[dato cancellato]" once the person\'s key was destroyed (erasure); not covered by the chain',
      erased:
        'a field stored in clear before sealing began, whose person was since erased, reads "[dato cancellato]" in data; the event lists it in erased and carries the digest the chain covers',
    },
    streams: Object.fromEntries(streams),
    chainHeads: await chainHeads(deps.db, deps.log, [...streams.keys()]),
    transparency: { file: 'trasparenza.json', ...proofs.manifestEntry() },
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

async function loadEvents(
  deps: ExportDeps,
  positions: readonly GlobalPosition[],
): Promise<ExportedEvent[]> {
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
  }>`
    select events.tx_id::text as tx_id, events.position::text as position, stream_id, version,
      type, data, metadata, hash
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
  }));
  // Personal fields go out as stored (sealed, which the chain covers) and, beside them, opened.
  if (!deps.store.sealing) return events;
  return (await deps.store.sealing.reveal(events)).map((event) => {
    const { stored, opened, ...rest } = event;
    const hidden = opened?.filter((field) => !field.sealed) ?? [];
    return {
      ...rest,
      data: stored ?? event.data,
      personal:
        opened && Object.fromEntries(opened.map((field) => [dataPath(field.path), field.value])),
      erased:
        hidden.length > 0
          ? { data: storedShown(event), paths: hidden.map((field) => dataPath(field.path)) }
          : undefined,
    };
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
