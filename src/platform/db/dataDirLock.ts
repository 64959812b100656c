import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

/**
 * PGlite does not lock its data directory, and two processes writing one directory corrupt it.
 * An exclusive-create lock file holding the owner's pid guards it; a lock left by a dead process
 * on this host is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'dichiara.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(lockPath);
      if (owner && owner.host === hostname() && !isAlive(owner.pid)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      throw new DataDirLockedError(
        `La cartella dati ${dataDir} è già in uso da un altro processo` +
          (owner ? ` (pid ${owner.pid} su ${owner.host})` : '') +
          `. Fermare quel processo oppure indicare un'altra cartella con DATA_DIR.`,
      );
    }
  }
  throw new DataDirLockedError(`Impossibile acquisire il lock su ${lockPath}`);
}

function readOwner(lockPath: string): { pid: number; host: string } | null {
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host }
      : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
