import { createHash } from 'node:crypto';
import type { EventMetadata, JsonValue } from './eventStore.js';

/** The link before the first event of every stream. */
export const genesisHash = '0'.repeat(64);

/**
 * JSON with object keys sorted at every depth, so the same value always hashes the same whatever
 * the store did to key order (jsonb reorders keys) or whitespace.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('canonicalJson: value is not JSON');
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * canonicalJson({ type, data, metadata }) from the canonical texts of data and metadata: the
 * keys in order are data, metadata, type.
 */
export const digestInput = (type: string, data: string, metadata: string): string =>
  `{"data":${data},"metadata":${metadata},"type":${JSON.stringify(type)}}`;

/** Digest of one event's own content: type, data and metadata (hex). */
export function eventDigest(type: string, data: JsonValue, metadata: EventMetadata): string {
  return createHash('sha256')
    .update(digestInput(type, canonicalJson(data), canonicalJson(metadata)))
    .digest('hex');
}

/** The chain link: SHA-256 over the previous link followed by the event digest (both as bytes). */
export function chainHash(previousHash: string, digest: string): string {
  return createHash('sha256')
    .update(Buffer.from(previousHash, 'hex'))
    .update(Buffer.from(digest, 'hex'))
    .digest('hex');
}
