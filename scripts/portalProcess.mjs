/**
 * The portal as a process of its own, for npm's launchers (scripts/start.mjs, scripts/dev.mjs):
 * started with `env`, which carries the allocator's settings (src/allocator.ts) from its start.
 * Signals go on to it, and its exit is the launcher's; over the IPC channel, where there is one,
 * the portal learns if the launcher is killed, and stops too (src/main.ts).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export function runPortal(args, env, { ipc = true, forwarded = ['SIGINT', 'SIGTERM'] } = {}) {
  const portal = spawn(process.execPath, args, {
    stdio: ['inherit', 'inherit', 'inherit', ...(ipc ? ['ipc'] : [])],
    env,
  });
  portal.on('error', (error) => {
    console.error(`Avvio del portale non riuscito: ${error.message}`);
    process.exit(1);
  });
  // Ctrl-C reaches both from the terminal; the portal takes a second signal as the same one (a
  // signal not `forwarded` is left to the terminal). On Windows the console gives it Ctrl-C
  // itself, and kill() would end it at once, without stopping.
  if (process.platform !== 'win32')
    for (const signal of ['SIGINT', 'SIGTERM'])
      process.on(signal, () => {
        if (forwarded.includes(signal)) portal.kill(signal);
      });
  else process.on('SIGINT', () => undefined);
  // Killed by a signal, it exits as a shell says so: 128 and the signal's number.
  portal.on('exit', (code, signal) =>
    process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1)),
  );
}
