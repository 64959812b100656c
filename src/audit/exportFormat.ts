import type { EventMetadata, JsonObject, JsonValue } from '../platform/eventStore/eventStore.js';
import { formatPosition } from '../platform/eventStore/globalPosition.js';
import { eventDigest } from '../platform/eventStore/hashChain.js';
import type { Hash } from '../platform/transparency/merkle.js';
import type { SignedTreeHead } from '../platform/transparency/treeHead.js';
import { headJson } from '../platform/transparency/publishedJson.js';
import { holdsSecret, redacted } from './redact.js';

/** An event as the export reads it from the log, unredacted. */
export interface ExportedEvent {
  readonly streamId: string;
  readonly version: number;
  readonly position: { commit: bigint; prepare: bigint };
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  readonly hash: string;
  /**
   * The personal fields the log keeps sealed, opened by path ("data.fullName"), or «[dato
   * cancellato]» once the person is erased: beside `data`, which stays as stored and verifiable.
   */
  readonly personal?: Readonly<Record<string, string>>;
  /**
   * Fields stored in clear before sealing began whose person has since been erased: shown as
   * «[dato cancellato]» (`data` the content with them so), the event carrying its digest.
   */
  readonly erased?: { readonly data: JsonObject; readonly paths: readonly string[] };
}

/** A field's path in the export's syntax: data.signatory.name, data.recipients[0].email. */
export const dataPath = (path: readonly (string | number)[]): string =>
  path.reduce<string>(
    (text, step) => (typeof step === 'number' ? `${text}[${step}]` : `${text}.${step}`),
    'data',
  );

/** One line of events.jsonl, and what the CSV and the manifest need from it. */
export interface ExportLine {
  readonly json: string;
  readonly csv: string;
  readonly redacted: boolean;
}

/**
 * A secret (a password hash) never leaves the portal, so an event that holds one no longer
 * matches its hash once redacted. Such an event carries `digest`, the SHA-256 of its original
 * canonical content that the chain covers, and `redacted`, the paths replaced: the third party
 * checks the chain link from the digest, and every other event from its content. A person's
 * field stored in clear and since erased is replaced the same way, its paths in `erased`.
 * `previousHash` is given when the event before it in its stream is not in the export (a partial
 * stream or a search), so each link can be checked from where the export starts.
 */
export function exportLine(
  event: ExportedEvent,
  /** Undefined when the event before is in the export; null when it is not in the log. */
  previousHash: string | null | undefined,
): ExportLine {
  const paths: string[] = [];
  const data = redactWithPaths(event.erased?.data ?? event.data, 'data', paths) as JsonObject;
  const erased = event.erased?.paths ?? [];
  // A tampered row may lack any field: the export shows what is stored, the checker judges it.
  const metadata = redactWithPaths(event.metadata, 'metadata', paths) as Partial<EventMetadata>;
  const position = formatPosition(event.position);
  const digest =
    paths.length > 0 || erased.length > 0
      ? eventDigest(event.type, event.data, event.metadata)
      : undefined;
  const json = JSON.stringify({
    streamId: event.streamId,
    version: event.version,
    position,
    type: event.type,
    data,
    metadata,
    hash: event.hash,
    ...(previousHash === undefined ? {} : { previousHash }),
    ...(digest === undefined ? {} : { digest, redacted: paths }),
    ...(erased.length > 0 ? { erased } : {}),
    ...(event.personal ? { personal: event.personal } : {}),
  });
  const csv = csvRow([
    position,
    event.streamId,
    event.version,
    event.type,
    metadata.occurredAt ?? null,
    metadata.recordedAt ?? null,
    metadata.actor?.id ?? null,
    metadata.actor?.role ?? null,
    metadata.actor?.organisationId ?? null,
    metadata.clientIp ?? null,
    metadata.eventId ?? null,
    metadata.correlationId ?? null,
    metadata.causationId ?? null,
    JSON.stringify(data),
    event.hash,
    previousHash ?? null,
    digest ?? null,
    paths.join(' '),
    event.personal ? JSON.stringify(event.personal) : null,
  ]);
  return { json, csv, redacted: digest !== undefined };
}

export const csvHeader = csvRow([
  'posizione',
  'flusso',
  'versione',
  'tipo',
  'avvenuto_il',
  'registrato_il',
  'autore',
  'ruolo',
  'organizzazione',
  'ip',
  'id_evento',
  'correlazione',
  'causa',
  'dati',
  'hash',
  'hash_precedente',
  'digest',
  'campi_oscurati',
  'dati_personali',
]);

/** A deep copy with secrets replaced as redact() does, noting each path ("data.passwordHash"). */
function redactWithPaths(value: JsonValue | object, path: string, paths: string[]): JsonValue {
  if (Array.isArray(value)) {
    return value.map((item: JsonValue, index) => redactWithPaths(item, `${path}[${index}]`, paths));
  }
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value as Record<string, JsonValue>)) {
    if (holdsSecret(key, item)) {
      copy[key] = redacted;
      paths.push(`${path}.${key}`);
    } else {
      copy[key] = redactWithPaths(item, `${path}.${key}`, paths);
    }
  }
  return copy;
}

type Cell = string | number | null;

/**
 * Semicolon-separated, as Excel opens it in Italy (the file starts with a BOM); a cell a
 * spreadsheet would read as a formula gets a leading apostrophe, as in src/platform/http/csv.ts.
 */
function csvRow(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(';')}\r\n`;
}

function csvCell(value: Cell): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[";\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * trasparenza.json: the signed tree head the export is proven against, the key that signed it,
 * and for each event of events.jsonl (same order) its leaf in the log's Merkle tree (RFC 9162)
 * with its inclusion proof. `prova` is null for an event the head does not cover yet: added after
 * it was signed (`foglia` known) or not yet taken into the tree (`foglia` null). Written in
 * pieces as the events are: the opening, one line per event, the closing.
 */
export const transparencyFormat = 'dichiara-trasparenza/1';

export function transparencyOpening(
  head: SignedTreeHead | null,
  publicKeyPem: string,
  wholeLog: boolean,
): string {
  const fields = JSON.stringify(
    {
      formato: transparencyFormat,
      foglie:
        'foglia i = SHA-256(0x00 ‖ byte dell’hash dell’i-esimo evento del registro, in ordine di commit); nodo = SHA-256(0x01 ‖ sinistro ‖ destro) (RFC 9162, §2.1)',
      firma:
        'Ed25519 (base64) su testa.testo: origine, dimensione, radice in base64 e data, una riga ciascuna',
      senzaProva:
        'prova null: evento non ancora coperto dalla testa (foglia indicata: aggiunto dopo la firma; foglia null: non ancora nell’albero)',
      interoRegistro: wholeLog,
      chiavePubblica: publicKeyPem,
      testa: head && headJson(head),
    },
    null,
    2,
  );
  // The object without its closing brace: the events follow as the last field.
  return `${fields.slice(0, -2)},\n  "eventi": [\n`;
}

/** One event's entry; `first` for the first one, which no comma precedes. */
export function transparencyLine(
  event: ExportedEvent,
  leaf: number | null,
  proof: readonly Hash[] | null,
  first: boolean,
): string {
  const entry = {
    flusso: event.streamId,
    versione: event.version,
    evento: (event.metadata as Partial<EventMetadata>).eventId ?? null,
    foglia: leaf,
    prova: proof && proof.map((hash) => hash.toString('hex')),
  };
  return `${first ? '' : ',\n'}    ${JSON.stringify(entry)}`;
}

export const transparencyClosing = '\n  ]\n}\n';
