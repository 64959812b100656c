import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeOnce } from '../platform/db/writeOnce.js';
import { headFileSchema, headJson } from '../platform/transparency/publishedJson.js';
import type { SignedTreeHead } from '../platform/transparency/treeHead.js';

/**
 * The largest head this installation signed, kept outside the database: someone who rewrites
 * the database, heads and tree included, cannot make the verification forget what was signed.
 * The receipts the filers hold are the other witnesses.
 */
export interface HeadWitness {
  keep(head: SignedTreeHead): void;
  /** null when none was kept yet; 'unreadable' when the file is not a head (any more). */
  read(): SignedTreeHead | 'unreadable' | null;
  /**
   * How many events the log held when this installation first ran a portal that tags its events
   * (eventTags.ts): those may carry no tag. 0 when not recorded, or unreadable: every one must.
   */
  untaggedBelow(): number;
  /** Records that count, on the first start that tags; a count already kept stays as it is. */
  keepUntaggedBelow(events: () => Promise<number>): Promise<void>;
}

/**
 * The witness as a file (DATA_DIR/testa-firmata.json), replaced whole by each larger head; beside
 * it, contrassegni-da.json, written once, says where tags began.
 */
export function fileWitness(file: string): HeadWitness {
  const tagsFile = join(dirname(file), 'contrassegni-da.json');
  const read = (): SignedTreeHead | 'unreadable' | null => {
    if (!existsSync(file)) return null;
    const parsed = headFileSchema.safeParse(safeJson(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : 'unreadable';
  };
  return {
    read,
    untaggedBelow() {
      if (!existsSync(tagsFile)) return 0;
      const kept = safeJson(readFileSync(tagsFile, 'utf8')) as {
        eventiSenzaContrassegno?: unknown;
      };
      const events = kept?.eventiSenzaContrassegno;
      return Number.isSafeInteger(events) && (events as number) >= 0 ? (events as number) : 0;
    },
    async keepUntaggedBelow(events) {
      if (existsSync(tagsFile)) return;
      const count = await events();
      // Of processes starting at once, the first one's count stays.
      writeOnce(tagsFile, `${JSON.stringify({ eventiSenzaContrassegno: count })}\n`, 0o644);
    },
    keep(head) {
      const kept = read();
      if (kept && kept !== 'unreadable' && kept.size >= head.size) return;
      mkdirSync(dirname(file), { recursive: true });
      const next = `${file}.${process.pid}.tmp`;
      writeFileSync(next, `${JSON.stringify(headJson(head), null, 2)}\n`, { mode: 0o644 });
      renameSync(next, file);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
