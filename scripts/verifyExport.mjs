#!/usr/bin/env node
/**
 * Offline check of an export of Dichiara's event log, for anyone who trusts nothing but `node`
 * (18 or later, no packages). In the folder where the zip was extracted:
 *
 *   node verifyExport.mjs            (or: node verifyExport.mjs path/to/folder)
 *
 * 1. every file against SHA256SUMS (what `sha256sum -c SHA256SUMS` does) and against the manifest;
 * 2. each stream's SHA-256 hash chain, re-computed from events.jsonl: an event's digest is the
 *    SHA-256 of the canonical JSON of { type, data, metadata } (keys sorted at every depth, no
 *    spaces), its hash is SHA-256(previous hash ‖ digest) with 64 zeros before version 1. An
 *    export that starts mid-stream gives the previous hash of its first event (`previousHash`);
 *    an event whose secrets were redacted gives the digest the chain covers (`digest`), accepted
 *    only when exactly the fields the portal redacts hold "[redatto]";
 * 3. the last exported event of each stream against the chain head in the manifest;
 * 4. events.csv against events.jsonl, row by row.
 * Exit code 0 when everything holds; 1 with each problem named (stream and version) otherwise.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const genesis = '0'.repeat(64);
const hexHash = /^[0-9a-f]{64}$/;

/**
 * The portal redacts exactly these fields (src/audit/redact.ts, line for line): a key naming a
 * password, secret or token, at any depth, whose value is not null, true or false.
 */
const secretName = /password|passwd|secret|token/i;
const placeholder = '[redatto]';
const holdsSecret = (key, value) =>
  secretName.test(key) && !(value === null || typeof value === 'boolean');

/** The same canonical JSON as src/platform/eventStore/hashChain.ts, line for line. */
function canonicalJson(value) {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('canonicalJson: value is not JSON');
    return text;
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const sha256 = (content) => createHash('sha256').update(content).digest('hex');

const chainHash = (previousHash, digest) =>
  createHash('sha256')
    .update(Buffer.from(previousHash, 'hex'))
    .update(Buffer.from(digest, 'hex'))
    .digest('hex');

const folder = process.argv[2] ?? '.';
const problems = [];
const problem = (text) => problems.push(text);
const read = (name) => {
  const path = join(folder, name);
  return existsSync(path) ? readFileSync(path) : null;
};

// 1. SHA256SUMS and the manifest's own file hashes.
const sums = read('SHA256SUMS');
if (!sums) problem('SHA256SUMS: file assente');
for (const line of (sums?.toString('utf8') ?? '').split('\n').filter(Boolean)) {
  const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
  if (!match) {
    problem(`SHA256SUMS: riga non valida «${line}»`);
    continue;
  }
  const content = read(match[2]);
  if (!content) problem(`${match[2]}: file assente`);
  else if (sha256(content) !== match[1]) problem(`${match[2]}: SHA-256 diverso da SHA256SUMS`);
}

let manifest = {};
try {
  manifest = JSON.parse(read('manifest.json')?.toString('utf8') ?? 'null') ?? {};
  if (!read('manifest.json')) problem('manifest.json: file assente');
} catch {
  problem('manifest.json: JSON non valido');
}
for (const [name, expected] of Object.entries(manifest.files ?? {})) {
  const content = read(name);
  if (!content) problem(`${name}: file assente`);
  else if (sha256(content) !== expected.sha256) problem(`${name}: SHA-256 diverso dal manifest`);
  else if (content.length !== expected.bytes) problem(`${name}: dimensione diversa dal manifest`);
}

// 2. The hash chains, from events.jsonl.
const events = [];
const streams = new Map();
let redactedEvents = 0;
const lines = (read('events.jsonl')?.toString('utf8') ?? '').split('\n');
if (lines.at(-1) === '') lines.pop();
lines.forEach((line, index) => {
  let event;
  try {
    event = JSON.parse(line);
  } catch {
    problem(`events.jsonl riga ${index + 1}: JSON non valido`);
    return;
  }
  events.push(event);
  checkLink(event, index + 1);
});

function checkLink(event, lineNumber) {
  const { streamId, version } = event;
  const where = `flusso ${streamId} versione ${version}`;
  if (typeof streamId !== 'string' || !Number.isInteger(version) || version < 1) {
    problem(`events.jsonl riga ${lineNumber}: flusso o versione mancanti`);
    return;
  }
  const state = streams.get(streamId);
  let previous;
  if (state && version === state.lastVersion + 1) {
    previous = state.lastHash;
    if (event.previousHash !== undefined && event.previousHash !== previous) {
      problem(`${where}: previousHash diverso dall'hash dell'evento precedente esportato`);
    }
  } else if (state && version <= state.lastVersion) {
    problem(`${where}: versione fuori ordine o ripetuta`);
    return;
  } else if (version === 1) {
    previous = genesis;
  } else if (event.previousHash === null) {
    problem(`flusso ${streamId} versione ${version - 1}: evento mancante nell'archivio`);
  } else if (typeof event.previousHash === 'string' && hexHash.test(event.previousHash)) {
    previous = event.previousHash;
  } else {
    problem(`${where}: manca previousHash (l'evento precedente non è nell'esportazione)`);
  }
  const digest = eventDigest(event, where);
  if (previous && digest && chainHash(previous, digest) !== event.hash) {
    problem(`${where}: evento alterato (l'hash della catena non corrisponde al contenuto)`);
  }
  if (!state) {
    streams.set(streamId, {
      events: 1,
      firstVersion: version,
      lastVersion: version,
      previousHash: previous ?? null,
      lastHash: event.hash,
    });
  } else {
    state.events++;
    state.lastVersion = version;
    state.lastHash = event.hash;
  }
}

/** The paths the portal would have redacted in this value, in the export's syntax. */
function secretPaths(value, path, paths = []) {
  if (Array.isArray(value)) {
    value.forEach((item, index) => secretPaths(item, `${path}[${index}]`, paths));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (holdsSecret(key, item)) paths.push({ path: `${path}.${key}`, value: item });
      else secretPaths(item, `${path}.${key}`, paths);
    }
  }
  return paths;
}

/**
 * A redaction is accepted only as the portal makes it: every listed path is a secret field
 * holding the placeholder, and every secret field is listed. Anything else would let a changed
 * field hide behind the digest.
 */
function redactionProblems(event, where) {
  const found = [...secretPaths(event.data, 'data'), ...secretPaths(event.metadata, 'metadata')];
  const secrets = new Map(found.map((field) => [field.path, field.value]));
  const listed = new Set(event.redacted.filter((path) => typeof path === 'string'));
  const errors = [];
  if (listed.size !== event.redacted.length) errors.push(`${where}: campi oscurati non validi`);
  for (const path of listed) {
    if (!secrets.has(path)) errors.push(`${where}: ${path} non è un campo che il portale oscura`);
    else if (secrets.get(path) !== placeholder) {
      errors.push(`${where}: ${path} oscurato senza il segnaposto «${placeholder}»`);
    }
  }
  for (const path of secrets.keys()) {
    if (!listed.has(path)) errors.push(`${where}: ${path} non è tra i campi oscurati dichiarati`);
  }
  return errors;
}

/** From the content; for a redacted event, the digest it carries (the chain vouches for it). */
function eventDigest(event, where) {
  if (Array.isArray(event.redacted) && event.redacted.length > 0) {
    const errors = redactionProblems(event, where);
    errors.forEach(problem);
    if (errors.length > 0) return null;
    if (typeof event.digest !== 'string' || !hexHash.test(event.digest)) {
      problem(`${where}: evento con campi oscurati senza digest`);
      return null;
    }
    redactedEvents++;
    return event.digest;
  }
  const digest = sha256(
    canonicalJson({ type: event.type, data: event.data, metadata: event.metadata }),
  );
  if (event.digest !== undefined && event.digest !== digest) {
    problem(`${where}: digest diverso dal contenuto`);
  }
  return digest;
}

// 3. The manifest's counts, streams and chain heads.
let headsReached = 0;
if (manifest.counts?.events !== events.length) {
  problem(`manifest.json: ${manifest.counts?.events} eventi dichiarati, ${events.length} presenti`);
}
if (manifest.counts?.streams !== streams.size) {
  problem(`manifest.json: ${manifest.counts?.streams} flussi dichiarati, ${streams.size} presenti`);
}
for (const [streamId, state] of streams) {
  const declared = manifest.streams?.[streamId];
  const span = `${state.firstVersion}-${state.lastVersion}`;
  if (!declared || `${declared.firstVersion}-${declared.lastVersion}` !== span) {
    problem(`flusso ${streamId}: versioni ${span} diverse dal manifest`);
  } else if (state.previousHash && declared.previousHash !== state.previousHash) {
    problem(`flusso ${streamId}: hash precedente diverso dal manifest`);
  }
  const head = manifest.chainHeads?.[streamId];
  if (!head) problem(`flusso ${streamId}: testa della catena assente dal manifest`);
  else if (head.version < state.lastVersion) {
    problem(`flusso ${streamId}: la testa (versione ${head.version}) precede l'ultimo evento`);
  } else if (head.version === state.lastVersion) {
    if (head.hash === state.lastHash) headsReached++;
    else problem(`flusso ${streamId} versione ${head.version}: diverso dalla testa della catena`);
  }
}

// 4. The CSV, row by row against the JSONL.
const rows = parseCsv((read('events.csv')?.toString('utf8') ?? '').replace(/^\uFEFF/, ''));
const header = rows.shift() ?? [];
const column = (name) => header.indexOf(name);
const unguarded = (cell) => (/^'[=+\-@\t\r]/.test(cell ?? '') ? cell.slice(1) : cell);
if (rows.length !== events.length) {
  problem(`events.csv: ${rows.length} righe, ${events.length} eventi in events.jsonl`);
}
rows.forEach((row, index) => {
  const event = events[index];
  if (!event) return;
  const same =
    unguarded(row[column('flusso')]) === event.streamId &&
    row[column('versione')] === String(event.version) &&
    row[column('hash')] === event.hash;
  if (!same) problem(`events.csv riga ${index + 2}: diversa da events.jsonl`);
});

/** RFC 4180 with semicolons, as the export writes it. */
function parseCsv(text) {
  const result = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let at = 0; at < text.length; at++) {
    const c = text[at];
    if (quoted) {
      if (c === '"' && text[at + 1] === '"') {
        cell += '"';
        at++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || (c === '\r' && text[at + 1] === '\n')) {
      if (c === '\r') at++;
      row.push(cell);
      result.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) result.push([...row, cell]);
  return result;
}

console.log(
  `Esportazione del ${manifest.generatedAt ?? '?'} di ${manifest.generatedBy?.name ?? '?'}: ` +
    `${events.length} eventi in ${streams.size} flussi.`,
);
if (problems.length === 0) {
  console.log(
    `OK: file integri; catene ricalcolate per ${streams.size} flussi, ${headsReached} fino alla ` +
      `testa; ${redactedEvents} eventi con campi oscurati verificati dal digest.`,
  );
  // Whoever rewrote the log could have rewritten the export and resealed it: only the portal's
  // own heads tell this export from a consistent forgery.
  console.log(
    'Resta da confrontare le teste delle catene (manifest.json, chainHeads) con quelle del ' +
      "portale: l'esportazione prova di essere coerente con sé stessa, non di essere l'archivio.",
  );
  process.exit(0);
}
for (const text of problems) console.log(`ERRORE: ${text}`);
console.log(`${problems.length} problemi trovati: l'esportazione non è integra.`);
process.exit(1);
