import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withAllocatorSettings } from '../../src/allocator.js';
import { childrenOf } from '../../test/support/portal.js';
import { freePort } from '../../test/support/waiting.js';

/*
 * The portal as a process of its own, as `npm start` runs it: started, measured from /proc,
 * stopped as Ctrl-C would.
 */

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** `npm start` without npm in between (its launcher, the portal its child), and the build's entry. */
export const npmStart = ['scripts/start.mjs'] as const;
export const fromBuild = ['dist/main.js'] as const;

/** Where the portal keeps its data: a folder alone (PGlite), or a PostgreSQL database beside it. */
export interface Storage {
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  /** The master key of personal data, where the database outlives DATA_DIR (base64, 32 bytes). */
  readonly personalDataKey?: string;
}

export interface Started {
  readonly child: ChildProcess;
  /** The portal's process: the launcher's child under npm start. */
  readonly pid: number;
  readonly url: string;
  readonly ms: number;
}

/** Clock ticks a second in /proc/<pid>/stat: 100 on Linux, asked once. */
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** User and system time of a /proc stat line (fields 14 and 15, after the parenthesised name). */
function cpuMsOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/**
 * Resident memory now and at its highest, and CPU time of a process, from /proc: of all its
 * threads (`cpuMs`: GC helpers, the render thread, PGlite's), and of its main thread alone
 * (`mainCpuMs`), the one event loop every request waits on.
 */
export function processFigures(pid: number): {
  rssMb: number;
  peakRssMb: number;
  cpuMs: number;
  mainCpuMs: number;
} {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return {
    rssMb: kb('VmRSS') / 1024,
    peakRssMb: kb('VmHWM') / 1024,
    cpuMs: cpuMsOf(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    mainCpuMs: cpuMsOf(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
  };
}

/**
 * CPU time of the whole machine, all cores, from /proc/stat: busy (user, nice, system, interrupts)
 * and stolen by the hypervisor for other guests; and of this process's children that have ended
 * and been waited for (fields 16 and 17 of /proc/self/stat), such as a CLI run.
 */
export function machineCpu(): { busyMs: number; stolenMs: number; endedChildrenMs: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  const ms = (count: number) => (count * 1000) / ticksPerSecond;
  const own = readFileSync('/proc/self/stat', 'utf8');
  const fields = own.slice(own.lastIndexOf(')') + 2).split(' ');
  return {
    busyMs: ms(user! + nice! + system! + irq! + softirq!),
    stolenMs: ms(steal!),
    endedChildrenMs: ms(Number(fields[13]) + Number(fields[14])),
  };
}

/** The server's CPU spent on `work`, per operation it counts: on its main thread, and in all. */
export async function cpuPerOperation(
  portal: Started,
  work: () => Promise<number>,
): Promise<{ mainMs: number; processMs: number }> {
  const before = processFigures(portal.pid);
  const operations = await work();
  const after = processFigures(portal.pid);
  return {
    mainMs: (after.mainCpuMs - before.mainCpuMs) / operations,
    processMs: (after.cpuMs - before.cpuMs) / operations,
  };
}

/** Every portal started: killed at the end whatever happened. */
const children: ChildProcess[] = [];
const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export function killPortals(): void {
  for (const child of children) if (!exited(child)) child.kill('SIGKILL');
}

/** A storage's settings, whatever the caller's environment says, as `npm run cli` is given them. */
function storageEnvironment(storage: Storage): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of [
    'DATABASE_URL',
    'KURRENTDB_URL',
    'SMTP_URL',
    'OIDC_ISSUER',
    'PERSONAL_DATA_KEY',
  ])
    delete env[key];
  return {
    ...env,
    DATA_DIR: storage.dataDir,
    ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
    ...(storage.personalDataKey ? { PERSONAL_DATA_KEY: storage.personalDataKey } : {}),
    NODE_ENV: 'development',
  };
}

/**
 * The portal's own settings for a storage: with the memory settings, as `npm start`'s launcher
 * and the Dockerfile start it (src/allocator.ts).
 */
export const portalEnvironment = (storage: Storage): NodeJS.ProcessEnv =>
  withAllocatorSettings(storageEnvironment(storage));

/** Started on its storage, ready once /healthz answers, within a minute (the first start seeds). */
export async function startPortal(storage: Storage, entry: readonly string[]): Promise<Started> {
  const port = await freePort();
  const began = performance.now();
  const child = spawn(process.execPath, entry, {
    cwd: root,
    env: { ...portalEnvironment(storage), PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const failed = new Promise<never>((_, reject) => child.once('error', reject));
  failed.catch(() => undefined);
  const url = `http://127.0.0.1:${port}`;
  while (performance.now() - began < 60_000) {
    if (exited(child)) throw new Error(`The portal stopped: ${child.exitCode ?? child.signalCode}`);
    const ready = await Promise.race([
      fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.ok,
        () => false,
      ),
      failed,
    ]);
    if (ready) {
      const ms = performance.now() - began;
      const pid = entry[0] === npmStart[0] ? childrenOf(child.pid!)[0]! : child.pid!;
      return { child, pid, url, ms };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('The portal did not answer /healthz within a minute');
}

/** SIGTERM, as Ctrl-C would; SIGKILL if it has not stopped in 20 s. */
export async function stopPortal({ child }: Started): Promise<void> {
  if (exited(child)) return;
  const stopped = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await stopped;
  clearTimeout(timer);
}

/**
 * A process of the CLI on a storage (`npm run cli -- …`, without the portal's memory settings:
 * a rebuild's batches outlive a 1 MB young generation), which must succeed.
 */
export async function runCli(storage: Storage, args: readonly string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: root,
    env: storageEnvironment(storage),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`cli ${args.join(' ')} exited with ${String(code)}`);
}
