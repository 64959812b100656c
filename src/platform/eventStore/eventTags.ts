import {
  createHmac,
  createSecretKey,
  hkdfSync,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import type { SealKey } from '../transparency/treeHead.js';
import { storedData, type RecordedEvent } from './eventStore.js';
import { eventDigest } from './hashChain.js';

/*
 * The portal's tag on each event it writes: HMAC-SHA256 over the stream id and the event's
 * digest (its type, data and metadata, event id and recording time included), keyed by a secret
 * derived from the signing key, which the database never holds. The hash chain and the Merkle
 * tree can be recomputed by anyone with the database in hand; the tag cannot. A head is signed
 * only over tagged events (src/audit/treeHeadSigning.ts), so an event added at the end of the
 * log, its links recomputed, is named instead of signed in.
 */

const tagKeys = new WeakMap<SealKey, KeyObject>();

/**
 * The tags' secret, derived (HKDF-SHA256) from the signing key's 32-byte seed, whatever encoding
 * the key came in: one key to keep, not two.
 */
export function tagKeyFrom(seal: SealKey): KeyObject {
  let key = tagKeys.get(seal);
  if (!key) {
    const { d } = seal.privateKey.export({ format: 'jwk' });
    const seed = Buffer.from(d!, 'base64url');
    key = createSecretKey(
      Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), 'dichiara: event tag', 32)),
    );
    tagKeys.set(seal, key);
  }
  return key;
}

/** The tag (hex) of an event of this stream with this digest (hex). */
export function eventTag(key: KeyObject, streamId: string, digest: string): string {
  return createHmac('sha256', key)
    .update(streamId)
    .update(Buffer.of(0))
    .update(Buffer.from(digest, 'hex'))
    .digest('hex');
}

/** Whether the event carries the tag this key gives its stream and content (its digest, if known). */
export function hasValidTag(
  key: KeyObject,
  event: RecordedEvent,
  digest = eventDigest(event.type, storedData(event), event.metadata),
): boolean {
  if (!event.tag || !/^[0-9a-f]{64}$/.test(event.tag)) return false;
  const expected = eventTag(key, event.streamId, digest);
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(event.tag, 'hex'));
}
