/**
 * `npm start`: the portal from the sources, compiled to JavaScript once for each state of them
 * (scripts/compiledSources.mjs) and run as plain JavaScript, in a process of its own started with
 * the allocator's settings (src/allocator.ts, scripts/portalProcess.mjs).
 *
 * Compiled rather than run through tsx: tsx's loader answers for every module the portal loads,
 * its dependencies' included, from a thread of its own; a restart of the embedded default took
 * 6.8–7.5 s through it and 4.1–4.5 s compiled, alternated on a loaded machine (7 December).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledSources, holdCompiled } from './compiledSources.mjs';
import { runPortal } from './portalProcess.mjs';

const compiled = await compiledSources(fileURLToPath(new URL('..', import.meta.url)), {
  onCompiling: () => console.log('Compilazione dei sorgenti (solo dopo una modifica)…'),
}).catch((error) => {
  // esbuild's message says where and why.
  console.error(
    `Compilazione dei sorgenti non riuscita, il portale non è avviato: ${error.message}`,
  );
  process.exit(1);
});
holdCompiled(compiled);
const { withAllocatorSettings } = await import(
  pathToFileURL(path.join(compiled, 'src', 'allocator.js')).href
);
runPortal(
  [path.join(compiled, 'src', 'main.js'), ...process.argv.slice(2)],
  withAllocatorSettings(process.env),
);
