import { singleStream } from '../shared/streamCodec.js';

/**
 * A signed head of the log's Merkle tree, recorded in the log itself (the next head covers it).
 * The text that was signed is rebuilt from these fields (src/platform/transparency/treeHead.ts).
 */
export type TreeHeadEvent = {
  type: 'TreeHeadSigned';
  data: {
    origin: string;
    size: number;
    /** The tree's root, hex. */
    root: string;
    signedAt: string;
    /** Ed25519, base64. */
    signature: string;
  };
};

export const treeHeadsStream = singleStream<TreeHeadEvent>('transparency-heads');

/**
 * The evidence a receipt carries that an event is in the log: a signed head covering it and the
 * RFC 9162 inclusion proof of the event's leaf in that head's tree (hex hashes, leaf upwards).
 */
export interface InclusionReceipt {
  readonly eventId: string;
  readonly leaf: number;
  /** SHA-256(0x00 ‖ the event's chain hash), hex. */
  readonly leafHash: string;
  readonly proof: readonly string[];
  readonly head: TreeHeadEvent['data'];
}
