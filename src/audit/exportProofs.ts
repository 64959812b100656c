import type { Kysely } from 'kysely';
import type { KeyObject } from 'node:crypto';
import {
  leavesAt,
  MissingSubtreeError,
  withStoredTree,
} from '../../projections/audit/merkleTree.js';
import { latestTreeHead, latestTreeHeadWithin } from '../../projections/audit/treeHeads.js';
import type { Schema } from '../platform/db/schema.js';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';
import type { Hash } from '../platform/transparency/merkle.js';
import type { SignedTreeHead } from '../platform/transparency/treeHead.js';
import { logHead, type AuditLog } from './auditLog.js';
import {
  transparencyClosing,
  transparencyFormat,
  transparencyLine,
  transparencyOpening,
  type ExportedEvent,
} from './exportFormat.js';
import type { HistoryFilter } from './historySearch.js';

/**
 * trasparenza.json, written in pieces as the export's events are (exportFormat.ts): the opening
 * names the newest signed head, then each page of events gets its entries with their inclusion
 * proofs, counted for the manifest.
 */
export interface ExportProofs {
  readonly opening: string;
  /** The entries of one page of events, in their order. */
  entries(events: readonly ExportedEvent[]): Promise<string>;
  readonly closing: string;
  /** What manifest.json says of trasparenza.json, besides its name. */
  manifestEntry(): {
    format: string;
    head: { size: number; signedAt: string; root: string } | null;
    proven: number;
    notCovered: number;
    check: string;
  };
}

/**
 * Where an export ends and the head it is proven against. The head is read first: one signed
 * after the log's end was read would cover events past `upTo`, which the export stops short of
 * and the checker of a whole log would take for deleted ones. A head read first covers only
 * events already committed, all of them within the end read after it.
 */
export async function exportEnd(deps: {
  readonly db: Kysely<Schema>;
  readonly store: EventStore;
  readonly log: AuditLog;
}): Promise<{ upTo: GlobalPosition | null; head: SignedTreeHead | null }> {
  const latest = await latestTreeHead(deps.db);
  const upTo = await logHead(deps);
  return { upTo, head: upTo && latest ? await headWithin(deps, latest, upTo) : null };
}

/** The proofs of an export ending where `exportEnd` says, of the events `filter` selects. */
export function exportProofs(
  deps: { readonly db: Kysely<Schema>; readonly sealPublicKey: KeyObject },
  head: SignedTreeHead | null,
  filter: HistoryFilter,
): ExportProofs {
  const publicKeyPem = deps.sealPublicKey.export({ type: 'spki', format: 'pem' }).toString();
  const counts = { proven: 0, notCovered: 0 };
  return {
    opening: transparencyOpening(head, publicKeyPem, wholeLog(filter)),
    async entries(events) {
      const leaves = await leavesAt(
        deps.db,
        events.map((event) => event.position),
      );
      const inclusion = await inclusionProofs(deps.db, head, leaves);
      let text = '';
      events.forEach((event, i) => {
        const leaf = leaves[i] ?? null;
        const proof = leaf === null ? null : (inclusion.get(leaf) ?? null);
        const first = counts.proven + counts.notCovered === 0;
        text += transparencyLine(event, leaf, proof, first);
        if (proof) counts.proven++;
        else counts.notCovered++;
      });
      return text;
    },
    closing: transparencyClosing,
    manifestEntry: () => ({
      format: transparencyFormat,
      head: head && { size: head.size, signedAt: head.signedAt, root: head.root.toString('hex') },
      proven: counts.proven,
      notCovered: counts.notCovered,
      check:
        'each proven event: its leaf SHA-256(0x00 ‖ hash) and inclusion proof against the signed head (RFC 9162), the head against the Ed25519 key',
    }),
  };
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

/**
 * The head the export's events are proven against: the newest one, read before the log's end. A
 * copy of the log (KurrentDB) may lag behind the tree, which follows the store itself: the head
 * is then the newest one within the copy's end, so that it covers no event the export cannot
 * hold. The store's own table never lags: a head past its end is kept, and the checker names the
 * gap.
 */
async function headWithin(
  deps: { readonly db: Kysely<Schema>; readonly log: AuditLog },
  latest: SignedTreeHead,
  upTo: GlobalPosition,
): Promise<SignedTreeHead | null> {
  if (deps.log.table === 'events') return latest;
  const [leaf = null] = await leavesAt(deps.db, [upTo]);
  const reach = leaf === null ? null : leaf + 1;
  if (reach === null || latest.size <= reach) return latest;
  return latestTreeHeadWithin(deps.db, reach);
}

/**
 * The inclusion proofs of these leaves in the head's tree, by leaf; none for a leaf it does not
 * cover. All of a page's proofs read their stored subtrees in one query (withStoredTree): O(k log
 * n) nodes for k leaves, fewer where neighbouring leaves share them.
 */
async function inclusionProofs(
  db: Kysely<Schema>,
  head: SignedTreeHead | null,
  leaves: readonly (number | null)[],
): Promise<Map<number, Hash[]>> {
  if (!head) return new Map();
  const covered = leaves.filter((leaf): leaf is number => leaf !== null && leaf < head.size);
  return withStoredTree(db, async (tree) => {
    const proofs = new Map<number, Hash[]>();
    for (const leaf of covered) {
      try {
        proofs.set(leaf, await tree.inclusionProof(leaf, head.size));
      } catch (error) {
        // The export still goes out, that leaf without a proof: the checker names an event the
        // signed head covers but nothing proves, rather than the portal refusing the evidence.
        if (!(error instanceof MissingSubtreeError)) throw error;
      }
    }
    return proofs;
  });
}
