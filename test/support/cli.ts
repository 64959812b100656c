import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCommandLine } from '../../src/cli/commandLine.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `npm run cli -- ...` with its own environment, in this process: the command line the
 * entry point (src/cli.ts) runs, its lines collected; `runCliProcess` runs the entry itself.
 */
export async function runCli(
  args: readonly string[],
  env: Record<string, string>,
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCommandLine(
    args,
    { NODE_ENV: 'test', ...env },
    {
      out: (line) => (stdout += `${line}\n`),
      error: (message) => (stderr += `${message}\n`),
    },
  );
  return { code, stdout, stderr };
}

/** Runs `npm run cli -- ...` as a person would: its own process, its exit code. */
export function runCliProcess(
  args: readonly string[],
  env: Record<string, string>,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
