import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
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
}

/** The witness as a file (DATA_DIR/testa-firmata.json), replaced whole by each larger head. */
export function fileWitness(file: string): HeadWitness {
  const read = (): SignedTreeHead | 'unreadable' | null => {
    if (!existsSync(file)) return null;
    const parsed = headFileSchema.safeParse(safeJson(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : 'unreadable';
  };
  return {
    read,
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
