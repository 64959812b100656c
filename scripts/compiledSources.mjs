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
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** esbuild's version, without loading it: a start with nothing to compile never does. */
const { version } = createRequire(import.meta.url)('esbuild/package.json');

/** What the build compiles (tsconfig.build.json's include), and the options esbuild reads. */
const sourceFolders = ['src', 'domain', 'projections', 'migrations'];
const compilerOptions = 'tsconfig.json';
/** What the compiled modules read beside them, and the packages, wherever the folder is. */
const linkedFolders = ['views', 'public', 'scripts', 'node_modules'];
/**
 * Compiled folders kept besides the current one: the latest used (each start marks its folder
 * used), unless a launcher still running holds it (holdCompiled), whatever its age.
 */
const kept = 2;
/** A folder being compiled, left by a start killed or failed meanwhile, goes after this. */
const abandonedMs = 10 * 60_000;
const compiledName = /^[0-9a-f]{16}$/;

/**
 * The folder of `root`'s sources compiled, made in `cache` (COMPILED_SOURCES_DIR, or under
 * node_modules/.cache) if there is none for them as they are now (`onCompiling` hears it).
 * esbuild compiles the very bytes hashed, so the folder holds what its name says even if a file
 * changes meanwhile. Made under another name and renamed when whole: a start killed halfway
 * leaves no half-compiled folder behind, and of two starts compiling at once the second finds
 * the first's.
 */
export async function compiledSources(
  root,
  {
    cache = process.env.COMPILED_SOURCES_DIR ||
      path.join(root, 'node_modules', '.cache', 'dichiara-start'),
    onCompiling,
  } = {},
) {
  const { name, sources } = sourcesOf(root);
  const folder = path.join(cache, name);
  if (existsSync(folder)) {
    const now = new Date();
    utimesSync(folder, now, now);
    return folder;
  }
  onCompiling?.();
  mkdirSync(cache, { recursive: true });
  const making = mkdtempSync(`${folder}.`);
  try {
    await compile(root, sources, making);
    renameSync(making, folder);
  } catch (error) {
    rmSync(making, { recursive: true, force: true });
    // Another start made it meanwhile: that one is used.
    if (!existsSync(folder)) throw error;
  }
  forgetOlder(cache, folder);
  return folder;
}

/**
 * Marks `folder` as run by this process until it exits: no other start removes it meanwhile, as
 * the portal still loads modules and reads pages from it.
 */
export function holdCompiled(folder) {
  const holders = path.join(folder, '.launchers');
  const mark = path.join(holders, String(process.pid));
  mkdirSync(holders, { recursive: true });
  writeFileSync(mark, '');
  process.on('exit', () => rmSync(mark, { force: true }));
}

/** The sources' files and their bytes (dotfiles aside: editors' locks), and the folder's name. */
function sourcesOf(root) {
  const files = sourceFolders
    .filter((folder) => existsSync(path.join(root, folder)))
    .flatMap((folder) =>
      readdirSync(path.join(root, folder), { recursive: true })
        .filter((file) => file.endsWith('.ts') && !path.basename(file).startsWith('.'))
        .map((file) => path.join(folder, file))
        .sort(),
    );
  const sources = new Map(files.map((file) => [file, readFileSync(path.join(root, file))]));
  // The links beside the compiled modules name the project's folder: a project moved compiles anew.
  const hash = createHash('sha256').update(`${root}\nesbuild ${version}\n`);
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  const options = path.join(root, compilerOptions);
  if (existsSync(options)) hash.update(readFileSync(options));
  for (const [file, bytes] of sources) hash.update(`\n${file}\n`).update(bytes);
  return { name: hash.digest('hex').slice(0, 16), sources };
}

/** esbuild over `sources` (their bytes as hashed), into `folder`, with the links beside. */
async function compile(root, sources, folder) {
  const { build, stop } = await import('esbuild');
  try {
    await build({
      absWorkingDir: root,
      entryPoints: [...sources.keys()],
      outdir: folder,
      outbase: '.',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // For NODE_OPTIONS=--enable-source-maps: stack traces by the sources' lines.
      sourcemap: 'linked',
      logLevel: 'error',
      plugins: [
        {
          name: 'hashed-sources',
          setup(plugin) {
            plugin.onLoad({ filter: /\.ts$/ }, (file) => {
              const bytes = sources.get(path.relative(root, file.path));
              return bytes ? { contents: bytes, loader: 'ts' } : undefined;
            });
          },
        },
      ],
    });
  } finally {
    // esbuild's own process, which would otherwise live as long as the launcher.
    await stop();
  }
  writeFileSync(path.join(folder, 'package.json'), '{ "type": "module" }\n');
  for (const linked of linkedFolders)
    symlinkSync(path.join(root, linked), path.join(folder, linked), 'junction');
}

/**
 * Removes compiled folders but the current one and the latest used, unless a running launcher
 * holds them, and what starts killed while compiling left.
 */
function forgetOlder(cache, current) {
  const used = (folder) => statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const entries = readdirSync(cache).map((name) => ({ name, folder: path.join(cache, name) }));
  const compiled = entries
    .filter(({ name, folder }) => compiledName.test(name) && folder !== current && !held(folder))
    .sort((a, b) => used(b.folder) - used(a.folder));
  const abandoned = entries.filter(
    ({ name, folder }) => !compiledName.test(name) && Date.now() - used(folder) > abandonedMs,
  );
  for (const { folder } of [...compiled.slice(kept), ...abandoned])
    rmSync(folder, { recursive: true, force: true });
}

/** Whether a launcher still running holds the folder (holdCompiled). */
function held(folder) {
  const holders = path.join(folder, '.launchers');
  if (!existsSync(holders)) return false;
  return readdirSync(holders).some((pid) => {
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch (error) {
      // EPERM: it runs, as another user.
      return error.code === 'EPERM';
    }
  });
}
