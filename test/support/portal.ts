import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { youngGeneration } from '../../src/allocator.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningPortal {
  readonly url: string;
  readonly process: ChildProcessWithoutNullStreams;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** The portal from the sources through tsx, without npm start's launcher: the pid is the portal's. */
export const fromSources = ['--import', 'tsx', 'src/main.ts'];
/** `npm start` itself: the launcher (scripts/start.mjs), with the portal as its child. */
export const npmStart = ['scripts/start.mjs'];
/** `npm run dev`: its launcher (scripts/dev.mjs), tsx watch its child, the portal tsx's child. */
export const npmRunDev = ['scripts/dev.mjs'];
/** The build's `node dist/main.js` (npm run build). */
export const fromBuild = ['dist/main.js'];

/** Starts the portal from the sources through tsx (or `entry`), waiting for its "pronto" line. */
export function startPortal(
  env: Record<string, string>,
  entry: readonly string[] = fromSources,
): Promise<RunningPortal> {
  const child = spawn(process.execPath, entry, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /pronto: (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        process: child,
        output: () => output,
        stop: async () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Exited with ${code} before starting:\n${output}`));
    });
  });
}

/** Runs `npm start` expecting it to refuse to start; returns its exit code and output. */
export async function startPortalExpectingRefusal(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return startPortal(env, npmStart).then(
    async (portal) => {
      await portal.stop();
      throw new Error(`Expected a refusal, but it started:\n${portal.output()}`);
    },
    (error: Error) => {
      const code = /Exited with (\S+)/.exec(error.message)?.[1];
      return { code: code === 'null' ? null : Number(code), output: error.message };
    },
  );
}

/**
 * The environment a process was started with, as Linux shows it (/proc); null elsewhere. The
 * allocator's settings (src/allocator.ts) must be there from its start to count.
 */
function startEnvironment(pid: number): Record<string, string> | null {
  if (process.platform !== 'linux') return null;
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(
    pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

/** Process `pid` started with the portal's memory settings (src/allocator.ts); Linux only. */
export function expectMemorySettings(pid: number): void {
  if (process.platform !== 'linux') return;
  const env = startEnvironment(pid);
  expect(env).toMatchObject({ MALLOC_MMAP_THRESHOLD_: '131072' });
  expect(env!.NODE_OPTIONS?.split(' ')).toContain(youngGeneration);
}

/** The processes `pid` started (Linux); empty elsewhere. */
export function childrenOf(pid: number): number[] {
  if (process.platform !== 'linux') return [];
  const listed = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  return listed.split(' ').filter(Boolean).map(Number);
}

/** Whether `pid` runs (Linux): gone, or a zombie its dead parent left unreaped, it does not. */
export function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}
