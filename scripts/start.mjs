/**
 * `npm start`: the portal from the sources, compiled to JavaScript once for each state of them
 * (scripts/compiledSources.mjs) and run as plain JavaScript, in a process of its own started with
 * the allocator's settings (src/allocator.ts), which must be in its environment from its start.
 *
 * Compiled rather than run through tsx: tsx's loader answers for every module the portal loads,
 * its dependencies' included, from a thread of its own; a restart of the embedded default took
 * 6.8–7.5 s through it and 4.1–4.5 s compiled, alternated on a loaded machine (7 December).
 *
 * Signals go on to the portal, and its exit is this one's; over the IPC channel the portal learns
 * if this one is killed, and stops too (src/main.ts).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledSources } from './compiledSources.mjs';

const compiled = await compiledSources(fileURLToPath(new URL('..', import.meta.url)), {
  onCompiling: () => console.log('Compilazione dei sorgenti (solo dopo una modifica)…'),
});
const { withAllocatorSettings } = await import(
  pathToFileURL(path.join(compiled, 'src', 'allocator.js')).href
);
const portal = spawn(
  process.execPath,
  [path.join(compiled, 'src', 'main.js'), ...process.argv.slice(2)],
  { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: withAllocatorSettings(process.env) },
);
portal.on('error', (error) => {
  console.error(`Avvio del portale non riuscito: ${error.message}`);
  process.exit(1);
});
// Ctrl-C reaches both from the terminal; the portal takes a second signal as the same one. On
// Windows the console gives it Ctrl-C itself, and kill() would end it at once, without stopping.
if (process.platform !== 'win32')
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => portal.kill(signal));
else process.on('SIGINT', () => undefined);
// Killed by a signal, it exits as a shell says so: 128 and the signal's number.
portal.on('exit', (code, signal) =>
  process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1)),
);
