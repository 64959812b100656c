import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

/**
 * Writes `text` to `file` unless a file is there: made whole beside it and linked into place,
 * which fails if one is there already, so of processes starting at once all keep the first one's.
 */
export function writeOnce(file: string, text: string, mode: number): void {
  mkdirSync(dirname(file), { recursive: true });
  // Named at random: processes of several containers sharing DATA_DIR may all be pid 1.
  const draft = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  writeFileSync(draft, text, { mode, flag: 'wx' });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}
