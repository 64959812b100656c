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

/** The tags' secret, derived from the signing key (HKDF-SHA256): one key to keep, not two. */
export function tagKeyFrom(seal: SealKey): KeyObject {
  const secret = seal.privateKey.export({ format: 'der', type: 'pkcs8' });
  return createSecretKey(
    Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'dichiara: event tag', 32)),
  );
}

/** The tag (hex) of an event of this stream with this digest (hex). */
export function eventTag(key: KeyObject, streamId: string, digest: string): string {
  return createHmac('sha256', key)
    .update(streamId)
    .update(Buffer.of(0))
    .update(Buffer.from(digest, 'hex'))
    .digest('hex');
}

/** Whether the event carries the tag this key gives its stream and content. */
export function hasValidTag(key: KeyObject, event: RecordedEvent): boolean {
  if (!event.tag || !/^[0-9a-f]{64}$/.test(event.tag)) return false;
  const expected = eventTag(
    key,
    event.streamId,
    eventDigest(event.type, storedData(event), event.metadata),
  );
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(event.tag, 'hex'));
}
