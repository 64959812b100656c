import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../../src/platform/db/dataDirLock.js';

describe('data directory lock', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'dichiara-lock-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is exclusive while held and free once released', () => {
    const dir = fresh();
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    release();
    expect(existsSync(join(dir, 'dichiara.lock'))).toBe(false);
    lockDataDir(dir)();
  });

  it('takes over a lock left by a process that no longer runs', () => {
    const dir = fresh();
    writeFileSync(
      join(dir, 'dichiara.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }),
    );
    const release = lockDataDir(dir);
    release();
  });

  it('respects a lock held by a live process, naming it', () => {
    const dir = fresh();
    writeFileSync(
      join(dir, 'dichiara.lock'),
      JSON.stringify({ pid: process.pid, host: hostname() }),
    );
    expect(() => lockDataDir(dir)).toThrow(`(pid ${process.pid} su ${hostname()})`);
  });
});
