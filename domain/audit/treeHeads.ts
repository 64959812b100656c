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
