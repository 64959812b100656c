import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { withAllocatorSettings } from './allocator.js';

/**
 * `npm start`: the portal (src/main.ts, through tsx) as a process of its own, started with the
 * allocator's settings (src/allocator.ts), which must be in its environment from the start. This
 * takes the place of tsx's own launcher, which also runs the script in a child: the same two
 * processes as `tsx src/main.ts`. Signals go on to the portal, and its exit is this one's; over
 * the IPC channel the portal learns if this one is killed, and stops too (src/main.ts).
 */
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const portal = spawn(process.execPath, ['--import', 'tsx', main, ...process.argv.slice(2)], {
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  env: withAllocatorSettings(process.env),
});
portal.on('error', (error) => {
  console.error(`Avvio del portale non riuscito: ${error.message}`);
  process.exit(1);
});
// Ctrl-C reaches both from the terminal; the portal takes a second signal as the same one. On
// Windows the console gives it Ctrl-C itself, and kill() would end it at once, without stopping.
if (process.platform !== 'win32')
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => portal.kill(signal));
else process.on('SIGINT', () => undefined);
// Killed by a signal, it exits as a shell says so: 128 and the signal's number.
portal.on('exit', (code, signal) =>
  process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1)),
);
