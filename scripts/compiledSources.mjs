/**
 * The portal's sources compiled to JavaScript for `npm start` (scripts/start.mjs), once for each
 * state of the sources: esbuild, which tsx runs on each file anyway, compiles them file by file
 * into a folder named by their contents, so a start with the sources unchanged compiles nothing.
 * The pages, the static files and the export's checker are linked beside the compiled modules,
 * which find them by the same relative paths as in the sources (the build copies them instead:
 * scripts/build.mjs).
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** esbuild's version, without loading it: a start with nothing to compile never does. */
const { version } = createRequire(import.meta.url)('esbuild/package.json');

/** What the build compiles (tsconfig.build.json's include). */
const sourceFolders = ['src', 'domain', 'projections', 'migrations'];
/** What the compiled modules read beside them. */
const linkedFolders = ['views', 'public', 'scripts'];
/** Compiled folders kept: the current one and the latest before it, which a portal may still run. */
const kept = 3;

/**
 * The folder of `root`'s sources compiled, made in `cache` if there is none for them as they are
 * now (`onCompiling` hears it). Made under another name and renamed when whole: a start killed
 * halfway leaves no half-compiled folder behind, and of two starts compiling at once the second
 * finds the first's.
 */
export async function compiledSources(
  root,
  { cache = path.join(root, 'node_modules', '.cache', 'dichiara-start'), onCompiling } = {},
) {
  const files = sourceFolders
    .filter((folder) => existsSync(path.join(root, folder)))
    .flatMap((folder) =>
      readdirSync(path.join(root, folder), { recursive: true })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => path.join(folder, file))
        .sort(),
    );
  // The links beside the compiled modules name the project's folder: a project moved compiles anew.
  const hash = createHash('sha256').update(`${root}\nesbuild ${version}\n`);
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const file of files) hash.update(`\n${file}\n`).update(readFileSync(path.join(root, file)));
  const folder = path.join(cache, hash.digest('hex').slice(0, 16));
  if (existsSync(folder)) return folder;

  onCompiling?.();
  const { build, stop } = await import('esbuild');
  mkdirSync(cache, { recursive: true });
  const making = mkdtempSync(`${folder}.`);
  await build({
    absWorkingDir: root,
    entryPoints: files,
    outdir: making,
    outbase: '.',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // For NODE_OPTIONS=--enable-source-maps: stack traces by the sources' lines.
    sourcemap: 'linked',
    logLevel: 'error',
  });
  // esbuild's own process, which would otherwise live as long as the launcher.
  await stop();
  writeFileSync(path.join(making, 'package.json'), '{ "type": "module" }\n');
  for (const linked of linkedFolders)
    symlinkSync(path.join(root, linked), path.join(making, linked), 'junction');
  try {
    renameSync(making, folder);
  } catch (error) {
    // Another start made it meanwhile: that one is used.
    rmSync(making, { recursive: true, force: true });
    if (!existsSync(folder)) throw error;
  }
  forgetOlder(cache, folder);
  return folder;
}

/** Removes all but the latest compiled folders (and what starts killed while compiling left). */
function forgetOlder(cache, current) {
  const changed = (folder) => statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const others = readdirSync(cache)
    .map((name) => path.join(cache, name))
    .filter((other) => other !== current)
    .sort((a, b) => changed(b) - changed(a));
  for (const other of others.slice(kept - 1)) rmSync(other, { recursive: true, force: true });
}
