import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Shared buffers on PGlite, in MB: at least (a new or small database), at most (PostgreSQL's). */
const sharedBuffersBounds = { least: 32, most: 128 } as const;

/**
 * PostgreSQL's shared buffers on PGlite, sized to the data. They live in the WASM heap, which
 * never gives memory back: PostgreSQL's 128 MB filled it for the demo's database, whose files are
 * 10 MB. Here: the database's files (its folder in base/, the largest there) and half as much
 * again to grow into, in steps of 8 MB, within `sharedBuffersBounds`; read once, at start. Not
 * below 32 MB: with 16 the demo's process held 8–27 MB less, but each page missed in the buffers
 * is read through the WASM file system, and a draft saved cost 15 % more CPU, INVIA 25 % more
 * (bench:app, 7 December, two runs each way). Files beyond the buffers are in the operating
 * system's cache anyway.
 */
export async function sharedBuffersFor(dataDir: string): Promise<number> {
  const bytes = dataDir.startsWith('memory://') ? 0 : await largestDatabase(join(dataDir, 'base'));
  const wanted = Math.ceil((bytes * 1.5) / 2 ** 23) * 8;
  return Math.min(Math.max(wanted, sharedBuffersBounds.least), sharedBuffersBounds.most);
}

/** The bytes of the largest database folder in `base` (0 when there is none yet). */
async function largestDatabase(base: string): Promise<number> {
  const folders = await readdir(base, { withFileTypes: true }).catch(() => []);
  const sizes = await Promise.all(
    folders
      .filter((folder) => folder.isDirectory())
      .map(async (folder) => {
        const files = await readdir(join(base, folder.name)).catch(() => []);
        const stats = await Promise.all(
          files.map((file) => stat(join(base, folder.name, file)).catch(() => null)),
        );
        return stats.reduce((sum, each) => sum + (each?.isFile() ? each.size : 0), 0);
      }),
  );
  return Math.max(0, ...sizes);
}
