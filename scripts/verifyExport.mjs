#!/usr/bin/env node
/**
 * Offline check of an export of Dichiara's event log, for anyone who trusts nothing but `node`
 * (18 or later, no packages). In the folder where the zip was extracted:
 *
 *   node verifyExport.mjs            (or: node verifyExport.mjs path/to/folder)
 *   node verifyExport.mjs --chiave dichiara-chiave-pubblica.pem --ricevuta ricevuta.json
 *
 * 1. every file against SHA256SUMS (what `sha256sum -c SHA256SUMS` does) and against the manifest;
 * 2. each stream's SHA-256 hash chain, re-computed from events.jsonl: an event's digest is the
 *    SHA-256 of the canonical JSON of { type, data, metadata } (keys sorted at every depth, no
 *    spaces), its hash is SHA-256(previous hash ‖ digest) with 64 zeros before version 1. An
 *    export that starts mid-stream gives the previous hash of its first event (`previousHash`);
 *    an event whose secrets were redacted gives the digest the chain covers (`digest`), accepted
 *    only when exactly the fields the portal redacts hold "[redatto]", and the fields of an
 *    erased person listed in `erased` hold "[dato cancellato]";
 * 3. the last exported event of each stream against the chain head in the manifest;
 * 4. events.csv against events.jsonl, row by row;
 * 5. trasparenza.json: the signed tree head's Ed25519 signature, with the key in the export or
 *    the one given with `--chiave FILE.pem` (from /trasparenza/chiave: it must be the export's),
 *    and each event's RFC 9162 inclusion proof, its leaf SHA-256(0x00 ‖ hash) recomputed, against
 *    the head's root; an event without a proof must say it was recorded after the head was
 *    signed (5 minutes' tolerance: the portal signs a head only once its tree holds every event
 *    already written); an export of the whole log must hold every leaf the head covers;
 * 6. each `--ricevuta FILE` (a receipt kept from a protocol mail, /trasparenza/inclusione's JSON):
 *    its head's signature (without `--chiave`, one the export's key did not sign puts the export
 *    in doubt as much as the receipt), its inclusion proof, its event's leaf hash if the event is
 *    exported, and that the log the export was made from still holds what the receipt's head
 *    signed — a smaller head signed later is a truncated log, one signed earlier an export older
 *    than the receipt, which cannot confirm it; the first leaves, if all exported, must give the
 *    receipt's root; otherwise `--coerenza FILE` (/trasparenza/coerenza?da=S&a=N) proves it.
 *    Sizes and proofs from the files never drive a loop: what is counted is what the files hold.
 * Exit code 0 when everything holds (warnings say what could not be checked offline); 1 with
 * each problem named (stream and version, receipt, sizes) otherwise; 2 for wrong arguments.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const genesis = '0'.repeat(64);
const hexHash = /^[0-9a-f]{64}$/;

/**
 * The portal signs a head only once its tree holds every event already written, so an event a
 * head leaves out was written after it — give or take this, as src/audit/treeCheck.ts allows
 * (`recordingTolerance`): an append's time is taken before it reaches the database.
 */
const recordingTolerance = 5 * 60_000;
/** No proof in a tree of fewer than 2^53 leaves has more hashes: a longer one is invalid. */
const maxProofHashes = 64;

/**
 * The portal redacts exactly these fields (src/audit/redact.ts, line for line): a key naming a
 * password, secret or token, at any depth, whose value is not null, true or false.
 */
const secretName = /password|passwd|secret|token/i;
const placeholder = '[redatto]';
/** What an erased person's field stored in clear is shown as (`erased` lists them). */
const erasedPlaceholder = '[dato cancellato]';
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

/*
 * The Merkle tree of RFC 9162 §2.1 over the whole log, as src/platform/transparency/merkle.ts
 * computes and checks it: line for line from its `sha256` (here `merkleHash`, the name being
 * taken) to `verifyConsistency`, the types left out, so that the two read side by side; a change
 * there is a change here. test/audit/exportProofs.unit.test.ts holds both to the same reference
 * vectors. Leaf i is SHA-256(0x00 ‖ hash of the i-th event in commit order), a node
 * SHA-256(0x01 ‖ left ‖ right). `rootOf`, not in merkle.ts, is the RFC's MTH(D[start:end]).
 */
const merkleHash = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

export const emptyRoot = merkleHash();
export const leafHash = (entry) => merkleHash(Buffer.of(0), entry);
export const nodeHash = (left, right) => merkleHash(Buffer.of(1), left, right);

/** The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n) => n > 0 && splitPoint(n + 1) === n;
const lsb = (n) => n % 2 === 1;
const half = (n) => Math.floor(n / 2);

const is32 = (value) => Buffer.isBuffer(value) && value.length === 32;

/** RFC 9162 §2.1.3.2: whether `proof` puts the leaf at `index` in the tree of `size` with `root`. */
export function verifyInclusion(leaf, index, size, proof, root) {
  if (!is32(leaf) || !is32(root) || !proof.every(is32)) return false;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn))
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree of `first` leaves is a prefix of `second`. */
export function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  if (!is32(firstRoot) || !is32(secondRoot) || !proof.every(is32)) return false;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second)) return false;
  if (first < 0 || first > second) return false;
  if (first === 0) return proof.length === 0 && firstRoot.equals(emptyRoot);
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn))
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

/** MTH(D[start:end]) of RFC 9162 §2.1.1, from the leaf hashes. */
export function rootOf(leaves, start = 0, end = leaves.length) {
  const size = end - start;
  if (size === 0) return emptyRoot;
  if (size === 1) return leaves[start];
  const k = splitPoint(size);
  return nodeHash(rootOf(leaves, start, start + k), rootOf(leaves, start + k, end));
}

/**
 * A proof's hex hashes, anything else in it becoming an empty hash, which no check accepts; null
 * when it is not a list, or is longer than any proof.
 */
const hashesOf = (list) =>
  Array.isArray(list) && list.length <= maxProofHashes
    ? list.map((hash) =>
        typeof hash === 'string' && hexHash.test(hash) ? Buffer.from(hash, 'hex') : Buffer.alloc(0),
      )
    : null;

/** Whether a proof as a file gives it puts `leaf` at `index` in the tree the head signed. */
const included = (leaf, index, proof, head) => {
  const hashes = hashesOf(proof);
  return hashes !== null && verifyInclusion(leaf, index, head.size, hashes, head.root);
};

/**
 * A signed tree head as the portal gives it ({ origine, dimensione, radice, firmataIl, firma }),
 * with the bytes its signature covers rebuilt from those fields as
 * src/platform/transparency/treeHead.ts writes them (headText): four lines, each ending in a
 * newline. Null for anything else.
 */
export function parseHead(value) {
  if (value === null || typeof value !== 'object') return null;
  const { origine, dimensione, radice, firmataIl, firma, testo } = value;
  const oneLine = (text) => typeof text === 'string' && text !== '' && !/[\n\r]/.test(text);
  if (!oneLine(origine) || !oneLine(firmataIl) || typeof firma !== 'string') return null;
  if (!Number.isSafeInteger(dimensione) || dimensione < 0) return null;
  if (typeof radice !== 'string' || !hexHash.test(radice)) return null;
  const root = Buffer.from(radice, 'hex');
  return {
    origin: origine,
    size: dimensione,
    root,
    signedAt: firmataIl,
    signature: firma,
    text: `${origine}\n${dimensione}\n${root.toString('base64')}\n${firmataIl}\n`,
    /** The text the file shows, if any: it must be the one rebuilt. */
    shownText: testo,
  };
}

/** Whether `key` signed the head: Ed25519 over its text; false for anything malformed. */
export function headSigned(head, key) {
  try {
    const signature = Buffer.from(head.signature, 'base64');
    if (signature.length !== 64) return false;
    return verify(null, Buffer.from(head.text), key, signature);
  } catch {
    return false;
  }
}

/** An Ed25519 public key from its PEM, or null. */
function publicKeyOf(pem) {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

/** The SHA-256 of the key's DER (SPKI): what two copies of one key share, whatever the PEM. */
const fingerprint = (key) => sha256(key.export({ type: 'spki', format: 'der' }));

const usage =
  'Uso: node verifyExport.mjs [cartella] [--chiave CHIAVE.pem] [--ricevuta RICEVUTA.json]... ' +
  '[--coerenza COERENZA.json]...';

function usageError(text) {
  console.log(`ERRORE: ${text}`);
  console.log(usage);
  process.exit(2);
}

function parseArguments(args) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        chiave: { type: 'string' },
        ricevuta: { type: 'string', multiple: true },
        coerenza: { type: 'string', multiple: true },
      },
    });
  } catch (error) {
    return usageError(error.message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) usageError(`argomento in più «${positionals[1]}»`);
  return {
    folder: positionals[0] ?? '.',
    key: values.chiave ?? null,
    receipts: values.ricevuta ?? [],
    consistency: values.coerenza ?? [],
  };
}

/** A file named on the command line (relative to where the script runs), as text. */
function argumentFile(file, what) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return usageError(`${what} ${file}: file assente o illeggibile`);
  }
}

function argumentJson(file, what) {
  try {
    return JSON.parse(argumentFile(file, what));
  } catch {
    return usageError(`${what} ${file}: JSON non valido`);
  }
}

let folder = '.';
/** Each problem with what it puts in doubt: the export, the log behind it, or a given file. */
const problems = [];
const problem = (text, about = 'esportazione') => problems.push({ text, about });
const warnings = [];
const confirmations = [];
const read = (name) => {
  const path = join(folder, name);
  return existsSync(path) ? readFileSync(path) : null;
};

// 1. SHA256SUMS and the manifest's own file hashes.
let manifest = {};
function checkFiles() {
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
}

// 2. The hash chains, from events.jsonl.
const events = [];
const streams = new Map();
let redactedEvents = 0;
function checkChains() {
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
}

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

/** The value at an export path ("data.signatory.name", "data.list[0]"), or undefined. */
function valueAtPath(event, path) {
  const steps = path.match(/[^.[\]]+/g) ?? [];
  let value = event;
  for (const step of steps) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Array.isArray(value) ? value[Number(step)] : value[step];
  }
  return value;
}

/** Each path in `erased` is a data field holding the erasure's placeholder, and nothing else. */
function erasureProblems(event, where) {
  if (event.erased === undefined) return [];
  if (!Array.isArray(event.erased) || event.erased.length === 0) {
    return [`${where}: campi cancellati non validi`];
  }
  return event.erased.flatMap((path) =>
    typeof path === 'string' &&
    path.startsWith('data.') &&
    valueAtPath(event, path) === erasedPlaceholder
      ? []
      : [`${where}: ${String(path)} cancellato senza il segnaposto «${erasedPlaceholder}»`],
  );
}

/** From the content; for a redacted event, the digest it carries (the chain vouches for it). */
function eventDigest(event, where) {
  const hidden =
    (Array.isArray(event.redacted) && event.redacted.length > 0) || event.erased !== undefined;
  if (hidden) {
    const errors = Array.isArray(event.redacted)
      ? [...redactionProblems(event, where), ...erasureProblems(event, where)]
      : [`${where}: campi oscurati non validi`];
    errors.forEach((text) => problem(text));
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
function checkManifest() {
  if (manifest.counts?.events !== events.length) {
    problem(
      `manifest.json: ${manifest.counts?.events} eventi dichiarati, ${events.length} presenti`,
    );
  }
  if (manifest.counts?.streams !== streams.size) {
    problem(
      `manifest.json: ${manifest.counts?.streams} flussi dichiarati, ${streams.size} presenti`,
    );
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
}

// 4. The CSV, row by row against the JSONL.
function checkCsv() {
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
}

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

// 5. The signed tree head and each event's inclusion proof, from trasparenza.json.
/** What the export proves in the signed tree, for the summary and for the receipts. */
const evidence = {
  key: null,
  /** `--chiave FILE` when given (the export's key must be that one), else the export's own. */
  keySource: null,
  /** Whether the key is the export's own, no `--chiave` given: it vouches for nothing else. */
  keyFromExport: false,
  /** Whether trasparenza.json was there to compare a receipt with. */
  present: false,
  head: null,
  headValid: false,
  wholeLog: false,
  proven: 0,
  notCovered: 0,
  /** Events without a proof though recorded before the signed head (checkUnproven). */
  earlyUnproven: 0,
  /** Leaf index → leaf hash, recomputed from the event's hash, for each event naming its leaf. */
  leaves: new Map(),
  /**
   * Event id → where it is, its leaf and leaf hash, for the receipts: a list, as KurrentDB may
   * hold one id in two streams.
   */
  byEventId: new Map(),
};

function checkTransparency(options) {
  const given = options.key && publicKeyOf(argumentFile(options.key, '--chiave'));
  if (options.key && !given)
    usageError(`--chiave ${options.key}: non è una chiave pubblica Ed25519`);
  evidence.key = given || null;
  evidence.keySource = given ? `--chiave ${options.key}` : null;
  const text = read('trasparenza.json');
  if (!text) {
    // An export made before the transparency log had none; a receipt or a key asks for one.
    if (manifest.format === 'dichiara-export/1' && !given && options.receipts.length === 0) {
      warnings.push('esportazione senza prove di trasparenza (formato dichiara-export/1)');
    } else problem('trasparenza.json: file assente');
    return;
  }
  let file;
  try {
    file = JSON.parse(text.toString('utf8'));
  } catch {
    problem('trasparenza.json: JSON non valido');
    return;
  }
  const own = file.chiavePubblica == null ? null : publicKeyOf(file.chiavePubblica);
  if (file.chiavePubblica != null && !own) {
    problem('trasparenza.json: chiave pubblica non valida (serve una chiave Ed25519 in PEM)');
  }
  if (given && own && fingerprint(given) !== fingerprint(own)) {
    problem(
      `trasparenza.json: la chiave pubblica dell'esportazione (impronta ${fingerprint(own)}) non è ` +
        `quella di ${options.key} (impronta ${fingerprint(given)}): la testa non è firmata dal portale`,
    );
  }
  if (!given && own) {
    evidence.key = own;
    evidence.keySource = "contenuta nell'esportazione";
    evidence.keyFromExport = true;
  }
  evidence.present = true;
  evidence.wholeLog = file.interoRegistro === true;
  checkExportHead(file.testa);
  const entries = Array.isArray(file.eventi) ? file.eventi : [];
  if (!Array.isArray(file.eventi)) problem("trasparenza.json: manca l'elenco degli eventi");
  checkProofs(entries);
  const withProof = entries.filter((entry) => entry?.prova !== null).length;
  const declared = manifest.transparency;
  if (
    declared &&
    (declared.proven !== withProof || declared.notCovered !== entries.length - withProof)
  )
    problem(
      `manifest.json: ${declared.proven} eventi con prova e ${declared.notCovered} senza ` +
        `dichiarati, ${withProof} e ${entries.length - withProof} in trasparenza.json`,
    );
  // Only a signed head's size is worth comparing with the events: another one could say anything.
  if (evidence.wholeLog && evidence.headValid) checkWholeLog();
}

function checkExportHead(value) {
  if (value === null || value === undefined) {
    warnings.push(
      "nessuna testa firmata del registro all'esportazione: nessun evento è provato nell'albero " +
        'firmato',
    );
    return;
  }
  const head = parseHead(value);
  if (!head) {
    problem('trasparenza.json: testa firmata non valida');
    return;
  }
  evidence.head = head;
  if (head.shownText !== undefined && head.shownText !== head.text) {
    problem('trasparenza.json: il testo della testa non corrisponde ai suoi campi');
  } else if (!evidence.key) {
    problem('trasparenza.json: nessuna chiave per verificare la testa (indicarla con --chiave)');
  } else if (!headSigned(head, evidence.key)) {
    problem(
      `trasparenza.json: la firma della testa (${head.size} eventi) non è valida per la chiave ` +
        `${evidence.keySource}: testa contraffatta o alterata`,
    );
  } else evidence.headValid = true;
}

function checkProofs(entries) {
  if (entries.length !== events.length) {
    problem(`trasparenza.json: ${entries.length} eventi, ${events.length} in events.jsonl`);
  }
  const head = evidence.head;
  let lastLeaf = -1;
  let unproven = null;
  events.forEach((event, index) => {
    const entry = entries[index];
    if (!entry || entry.flusso !== event.streamId || entry.versione !== event.version) {
      if (entry)
        problem(`trasparenza.json voce ${index + 1}: non è l'evento della riga ${index + 1}`);
      return;
    }
    const where = `flusso ${event.streamId} versione ${event.version}`;
    const eventId = event.metadata?.eventId;
    if (entry.evento !== (eventId ?? null))
      problem(`${where}: id dell'evento diverso in trasparenza.json`);
    const leaf =
      typeof event.hash === 'string' && hexHash.test(event.hash)
        ? leafHash(Buffer.from(event.hash, 'hex'))
        : null;
    const leafIndex = Number.isSafeInteger(entry.foglia) && entry.foglia >= 0 ? entry.foglia : null;
    if (entry.foglia !== null && leafIndex === null) problem(`${where}: foglia non valida`);
    if (leafIndex !== null && leaf && !evidence.leaves.has(leafIndex))
      evidence.leaves.set(leafIndex, leaf);
    if (typeof eventId === 'string')
      evidence.byEventId.set(eventId, [
        ...(evidence.byEventId.get(eventId) ?? []),
        { where, leaf: leafIndex, leafHash: leaf },
      ]);
    if (entry.prova === null) {
      evidence.notCovered++;
      unproven ??= where;
      // An unsigned head proves nothing either way: its own problem is named already.
      if (evidence.headValid) checkUnproven(event, leafIndex, where);
      return;
    }
    if (!head || leafIndex === null || !Array.isArray(entry.prova)) {
      problem(`${where}: prova di inclusione incompleta`);
      return;
    }
    // The log's order is the tree's: proven events come first, their leaves growing.
    if (unproven) problem(`${where}: provato nell'albero firmato dopo ${unproven}, che non lo è`);
    if (leafIndex <= lastLeaf)
      problem(`${where}: foglia ${leafIndex} non successiva alla precedente`);
    lastLeaf = Math.max(lastLeaf, leafIndex);
    if (!evidence.headValid) return;
    if (leaf && included(leaf, leafIndex, entry.prova, head)) {
      evidence.proven++;
    } else {
      problem(
        `${where}: la prova di inclusione non lo lega alla testa firmata (foglia ${leafIndex} di ` +
          `${head.size}): evento riscritto dopo la firma, o mai registrato così`,
      );
    }
  });
  if (evidence.earlyUnproven > namedEarlyUnproven) {
    problem(
      `altri ${evidence.earlyUnproven - namedEarlyUnproven} eventi registrati prima della testa ` +
        'firmata senza prova di inclusione',
    );
  }
}

/** Events recorded before the head yet without a proof named one by one, at most. */
const namedEarlyUnproven = 20;

/**
 * An event without a proof is one the signed head does not cover: its leaf, if named, is past
 * the head's size, and it was written after the head was signed (recordingTolerance). Its
 * `recordedAt` is covered by its chain hash, so the export cannot move it.
 */
function checkUnproven(event, leafIndex, where) {
  const head = evidence.head;
  if (leafIndex !== null && leafIndex < head.size) {
    problem(`${where}: la foglia ${leafIndex} è coperta dalla testa firmata ma manca la prova`);
    return;
  }
  const recordedAt = event.metadata?.recordedAt;
  if (Date.parse(recordedAt) >= Date.parse(head.signedAt) - recordingTolerance) return;
  if (++evidence.earlyUnproven > namedEarlyUnproven) return;
  problem(
    typeof recordedAt === 'string'
      ? `${where}: registrato il ${recordedAt}, prima della testa firmata il ${head.signedAt} ` +
          'che dovrebbe quindi contenerlo, ma senza prova di inclusione'
      : `${where}: senza data di registrazione (metadata.recordedAt) né prova di inclusione ` +
          `nella testa firmata il ${head.signedAt}`,
  );
}

/** Leaf ranges, "3, 7–9", cut short after a few. */
function rangesText(ranges) {
  const shown = ranges.slice(0, 5).map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`));
  return ranges.length > 5 ? `${shown.join(', ')}…` : shown.join(', ');
}

/** The exported leaf indexes below `size`, in order: never more than the export holds. */
const leavesBelow = (size) =>
  [...evidence.leaves.keys()].filter((index) => index < size).sort((a, b) => a - b);

/**
 * An export of the whole log holds every event its head signed: a leaf missing was deleted. The
 * missing ones are the gaps between the leaves held, never counted up to a size from the file.
 */
function checkWholeLog() {
  const { size } = evidence.head;
  const held = leavesBelow(size);
  if (held.length === size) return;
  const gaps = [];
  let next = 0;
  for (const index of [...held, size]) {
    if (index > next) gaps.push([next, index - 1]);
    next = index + 1;
  }
  problem(
    `esportazione dell'intero registro senza ${size - held.length} dei ${size} eventi ` +
      `che la testa firmata copre (foglie ${rangesText(gaps)}): eventi cancellati dal registro`,
    'registro',
  );
}

// 6. Receipts: each one's head and proof, and whether the log still holds what its head signed.
function checkReceipt(file, consistencyFiles) {
  const receipt = argumentJson(file, '--ricevuta');
  const name = `ricevuta ${file}`;
  const head = parseHead(receipt?.testa);
  if (!head) {
    problem(`${name}: manca la testa firmata, o non è valida`, 'prove');
    return;
  }
  if (!evidence.key) {
    problem(`${name}: nessuna chiave per verificarla (indicarla con --chiave)`, 'prove');
    return;
  }
  const altered = head.shownText !== undefined && head.shownText !== head.text;
  if (!altered && evidence.keyFromExport && !headSigned(head, evidence.key)) {
    // The export's key vouches for the export alone: which of the two is genuine, only the
    // portal's published key tells.
    problem(
      `${name}: la chiave contenuta nell'esportazione non ha firmato la testa della ricevuta ` +
        `(${head.size} eventi): la ricevuta o l'esportazione non è autentica. Ripetere con ` +
        '--chiave e la chiave pubblicata dal portale (/trasparenza/chiave).',
      'chiave',
    );
    return;
  }
  if (altered || !headSigned(head, evidence.key)) {
    problem(
      `${name}: la firma della testa (${head.size} eventi) non è valida per la chiave ` +
        `${evidence.keySource}: ricevuta contraffatta o alterata`,
      'prove',
    );
    return;
  }
  const { evento, foglia, hashFoglia, dimensione, prova } = receipt;
  if (dimensione !== head.size) {
    problem(
      `${name}: la prova è per ${dimensione} eventi, la testa ne firma ${head.size}`,
      'prove',
    );
    return;
  }
  const complete =
    Number.isSafeInteger(foglia) && typeof hashFoglia === 'string' && Array.isArray(prova);
  const leaf = complete && hexHash.test(hashFoglia) ? Buffer.from(hashFoglia, 'hex') : null;
  if (!leaf || !included(leaf, foglia, prova, head)) {
    problem(
      `${name}: la prova di inclusione non lega la foglia ${foglia} alla testa firmata`,
      'prove',
    );
    return;
  }
  const namesakes = (typeof evento === 'string' && evidence.byEventId.get(evento)) || [];
  const exported = namesakes.find((entry) => entry.leaf === foglia) ?? namesakes[0];
  const before = problems.length;
  if (exported && !exported.leafHash?.equals(leaf)) {
    problem(
      `${name}: l'evento ${evento} (${exported.where}) non ha più l'hash che la ricevuta attesta ` +
        `(foglia ${foglia}): evento riscritto`,
      'registro',
    );
  } else if (exported && exported.leaf !== null && exported.leaf !== foglia) {
    problem(
      `${name}: l'evento ${evento} è alla foglia ${exported.leaf} dell'esportazione, alla ` +
        `${foglia} nella ricevuta: registro riscritto`,
      'registro',
    );
  }
  const held = stillHeld(name, head, consistencyFiles);
  if (held === null || problems.length > before) return;
  confirmations.push(
    `${name}: evento ${evento}, foglia ${foglia} della testa di ${head.size} eventi firmata il ` +
      `${head.signedAt}: firma e prova valide` +
      (exported ? ", l'evento è nell'esportazione" : '') +
      (held ? `; il registro esportato contiene ancora gli eventi firmati (${held})` : '') +
      '.',
  );
}

/**
 * Whether the log the export was made from still begins with the tree the receipt's head signed,
 * from the sizes, the exported leaves or a consistency proof: how it was shown; '' when it
 * cannot be shown offline (a warning says why); null when it does not (a problem names it).
 */
function stillHeld(name, head, consistencyFiles) {
  const now = evidence.head;
  if (!evidence.present) {
    warnings.push(`${name}: non confrontabile con l'esportazione, che non ha trasparenza.json`);
    return '';
  }
  if (now && !evidence.headValid) {
    warnings.push(`${name}: non confrontabile con la testa dell'esportazione, che non è valida`);
    return '';
  }
  if (now && head.origin !== now.origin) {
    problem(`${name}: è del registro «${head.origin}», l'esportazione di «${now.origin}»`, 'prove');
    return null;
  }
  if (!now || now.size < head.size) return smallerExport(name, head, now);
  if (head.size === now.size) return sameRoot(name, head, now.root, 'stessa testa');
  const first = firstLeaves(head.size);
  if (first) return sameRoot(name, head, rootOf(first), 'radice ricalcolata');
  if (evidence.wholeLog) {
    problem(
      `${name}: l'esportazione dell'intero registro non ha ` +
        `${head.size - leavesBelow(head.size).length} dei primi ${head.size} eventi che la ` +
        'ricevuta firma: registro troncato o eventi cancellati',
      'registro',
    );
    return null;
  }
  const proof = consistencyFiles.find((entry) => entry.json?.da === head.size);
  if (!proof) {
    warnings.push(
      `${name}: coerenza non verificabile offline, l'esportazione non contiene tutti i primi ` +
        `${head.size} eventi del registro. Scaricare dal portale ` +
        `/trasparenza/coerenza?da=${head.size}&a=${now.size} e ripetere con --coerenza FILE.`,
    );
    return '';
  }
  return consistent(name, head, proof) ? 'prova di coerenza' : null;
}

/**
 * An export whose head signs fewer events than the receipt's: the log was truncated if that head
 * was signed after the receipt's; if before, the export is older than the receipt, and cannot
 * tell either way.
 */
function smallerExport(name, head, now) {
  if (now && Date.parse(now.signedAt) > Date.parse(head.signedAt)) {
    problem(
      `${name}: la testa della ricevuta firma ${head.size} eventi, quella dell'esportazione, ` +
        `firmata dopo, solo ${now.size}: il registro è stato troncato`,
      'registro',
    );
    return null;
  }
  warnings.push(
    `${name}: l'esportazione è anteriore alla ricevuta e non può confermarla (` +
      (now
        ? `la sua testa firma ${now.size} eventi il ${now.signedAt}`
        : 'non ha una testa firmata') +
      `, quella della ricevuta ${head.size} il ${head.signedAt}). Scaricare una nuova ` +
      'esportazione e ripetere la verifica.',
  );
  return '';
}

/**
 * The leaves 0 to count − 1 if the export holds each one, else null: never more steps than the
 * export has leaves.
 */
function firstLeaves(count) {
  if (count > evidence.leaves.size) return null;
  const first = [];
  for (let index = 0; index < count; index++) {
    const leaf = evidence.leaves.get(index);
    if (!leaf) return null;
    first.push(leaf);
  }
  return first;
}

function sameRoot(name, head, root, how) {
  if (root.equals(head.root)) return how;
  problem(
    `${name}: i primi ${head.size} eventi dell'esportazione non hanno la radice che la ricevuta ` +
      'firma: registro riscritto',
    'registro',
  );
  return null;
}

/** The consistency proof from the receipt's head to the export's: both roots are signed ones. */
function consistent(name, head, { file, json }) {
  const now = evidence.head;
  const { a, radiceDa, radiceA, prova } = json;
  if (a !== now.size) {
    problem(
      `--coerenza ${file}: prova fino a ${a} eventi, la testa dell'esportazione ne firma ` +
        `${now.size}: scaricare /trasparenza/coerenza?da=${head.size}&a=${now.size}`,
      'prove',
    );
    return false;
  }
  if (radiceDa !== head.root.toString('hex') || radiceA !== now.root.toString('hex')) {
    problem(
      `--coerenza ${file}: le radici date dal portale non sono quelle firmate nella ricevuta ` +
        `(${head.size} eventi) e nell'esportazione (${now.size}): registro riscritto`,
      'registro',
    );
    return false;
  }
  const hashes = hashesOf(prova);
  if (!hashes || !verifyConsistency(head.size, now.size, head.root, now.root, hashes)) {
    problem(
      `${name}: la prova di coerenza (${file}) non lega la testa della ricevuta (${head.size} ` +
        `eventi) a quella dell'esportazione (${now.size}): registro riscritto`,
      'registro',
    );
    return false;
  }
  return true;
}

function report() {
  console.log(
    `Esportazione del ${manifest.generatedAt ?? '?'} di ${manifest.generatedBy?.name ?? '?'}: ` +
      `${events.length} eventi in ${streams.size} flussi.`,
  );
  const head = evidence.headValid ? evidence.head : null;
  if (problems.length === 0) {
    console.log(
      `OK: file integri; catene ricalcolate per ${streams.size} flussi, ${headsReached} fino alla ` +
        `testa; ${redactedEvents} eventi con campi oscurati verificati dal digest.`,
    );
    if (head) {
      console.log(
        `OK: testa firmata di ${head.size} eventi del ${head.signedAt}, firma valida per la ` +
          `chiave ${evidence.keySource} (impronta SHA-256 ${fingerprint(evidence.key)}); ` +
          `${evidence.proven} eventi provati nell'albero firmato, ${evidence.notCovered} non ` +
          'ancora coperti da una testa firmata.',
      );
    }
  }
  for (const text of confirmations) console.log(`OK: ${text}`);
  for (const text of warnings) console.log(`ATTENZIONE: ${text}`);
  if (problems.length === 0) {
    if (head && evidence.keySource.startsWith('--chiave')) {
      console.log(
        'Gli eventi provati sono nel registro che il portale ha firmato con la chiave indicata; ' +
          'per quelli non ancora coperti resta da confrontare le teste delle catene ' +
          '(manifest.json, chainHeads) con quelle del portale.',
      );
    } else {
      // Whoever rewrote the log could have rewritten the export and resealed it: only the
      // portal's own heads, or its key, tell this export from a consistent forgery.
      console.log(
        'Resta da confrontare le teste delle catene (manifest.json, chainHeads) con quelle del ' +
          "portale: l'esportazione prova di essere coerente con sé stessa, non di essere l'archivio. " +
          'Con la chiave pubblicata dal portale (/trasparenza/chiave): node verifyExport.mjs ' +
          '--chiave dichiara-chiave-pubblica.pem lega gli eventi provati alla testa che ha firmato.',
      );
    }
    process.exit(0);
  }
  for (const { text } of problems) console.log(`ERRORE: ${text}`);
  const about = new Set(problems.map((entry) => entry.about));
  const verdicts = [
    about.has('esportazione') && "l'esportazione non è integra",
    about.has('registro') && 'il registro non contiene più ciò che il portale ha firmato',
    about.has('prove') && 'una ricevuta o una prova indicata non è valida',
    about.has('chiave') && "una ricevuta non è firmata con la chiave dell'esportazione",
  ].filter(Boolean);
  console.log(`${problems.length} problemi trovati: ${verdicts.join('; ')}.`);
  process.exit(1);
}

function main() {
  const options = parseArguments(process.argv.slice(2));
  folder = options.folder;
  const consistencyFiles = options.consistency.map((file) => ({
    file,
    json: argumentJson(file, '--coerenza'),
  }));
  checkFiles();
  checkChains();
  checkManifest();
  checkCsv();
  checkTransparency(options);
  for (const file of options.receipts) checkReceipt(file, consistencyFiles);
  report();
}

/** Run as `node verifyExport.mjs`, not imported (the tests import the Merkle checks). */
function runAsScript() {
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (runAsScript()) main();
