import { execFile, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledSources, holdCompiled } from '../../scripts/compiledSources.mjs';

const run = promisify(execFile);
const moduleUrl = new URL('../../scripts/compiledSources.mjs', import.meta.url).href;

/**
 * A project of two source files, one reading a page beside the sources by a relative path, the
 * other a package of its node_modules.
 */
function project() {
  const root = mkdtempSync(path.join(tmpdir(), 'dichiara-compile-'));
  mkdirSync(path.join(root, 'src', 'platform'), { recursive: true });
  mkdirSync(path.join(root, 'views'));
  writeFileSync(path.join(root, 'views', 'page.eta'), 'Pagina');
  const greeting = path.join(root, 'node_modules', 'greeting');
  mkdirSync(greeting, { recursive: true });
  writeFileSync(path.join(greeting, 'package.json'), '{ "type": "module", "main": "index.js" }');
  writeFileSync(path.join(greeting, 'index.js'), "export const greeting = 'Buongiorno';");
  writeFileSync(
    path.join(root, 'src', 'platform', 'page.ts'),
    `import { readFileSync } from 'node:fs';
export const page = (): string => readFileSync(new URL('../../views/page.eta', import.meta.url), 'utf8');`,
  );
  writeFileSync(
    path.join(root, 'src', 'main.ts'),
    `import { greeting } from 'greeting';
import { page } from './platform/page.js';
export const shown: string = \`\${greeting}: \${page()}\`;`,
  );
  return root;
}

const projects: string[] = [];
afterEach(() => {
  for (const root of projects.splice(0)) rmSync(root, { recursive: true, force: true });
});

/**
 * The sources of a project compiled into a cache in it, or elsewhere (as COMPILED_SOURCES_DIR may
 * put it), counting the compilations.
 */
function compiler({ elsewhere = false } = {}) {
  const root = project();
  projects.push(root);
  const cache = elsewhere
    ? mkdtempSync(path.join(tmpdir(), 'dichiara-compiled-'))
    : path.join(root, 'cache');
  if (elsewhere) projects.push(cache);
  let compilations = 0;
  return {
    root,
    cache,
    compile: () => compiledSources(root, { cache, onCompiling: () => compilations++ }),
    compilations: () => compilations,
  };
}

describe("npm start's compiled sources", () => {
  it('compiles once, runs as JavaScript and finds pages and packages from a folder elsewhere', async () => {
    const { compile, compilations } = compiler({ elsewhere: true });
    const folder = await compile();
    const main = (await import(pathToFileURL(path.join(folder, 'src', 'main.js')).href)) as {
      shown: string;
    };
    expect(main.shown).toBe('Buongiorno: Pagina');
    // Unchanged sources: the same folder, nothing compiled.
    expect(await compile()).toBe(folder);
    expect(compilations()).toBe(1);
  });

  it('compiles again after an edit, keeping the latest three folders', async () => {
    const { root, cache, compile, compilations } = compiler();
    const first = await compile();
    // What a start killed while compiling left behind, an hour ago.
    const abandoned = `${first}.x4242`;
    mkdirSync(abandoned);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(abandoned, anHourAgo, anHourAgo);
    const made = [first];
    for (let edit = 1; edit <= 3; edit++) {
      writeFileSync(path.join(root, 'src', 'extra.ts'), `export const edit = ${edit};`);
      made.push(await compile());
    }
    expect(new Set(made).size).toBe(4);
    expect(compilations()).toBe(4);
    expect(readdirSync(cache).sort()).toEqual(
      made
        .slice(1)
        .map((f) => path.basename(f))
        .sort(),
    );
    expect(existsSync(path.join(made[3]!, 'src', 'extra.js'))).toBe(true);
  });

  it('keeps a folder a running launcher holds, and the latest used, however many came after', async () => {
    const { root, cache, compile, compilations } = compiler();
    const edit = (n: number) =>
      writeFileSync(path.join(root, 'src', 'extra.ts'), `export const edit = ${n};`);
    const running = await compile();
    holdCompiled(running);
    edit(0);
    const gone = await compile();
    // Held by a launcher that has ended.
    const ended = spawnSync(process.execPath, ['--version']).pid;
    mkdirSync(path.join(gone, '.launchers'));
    writeFileSync(path.join(gone, '.launchers', String(ended)), '');
    edit(1);
    const reused = await compile();
    edit(2);
    await compile();
    // Back to the sources of `reused`: found, nothing compiled, and marked as used now.
    edit(1);
    expect(await compile()).toBe(reused);
    expect(compilations()).toBe(4);
    edit(3);
    await compile();
    edit(4);
    await compile();
    const left = readdirSync(cache);
    expect(left).toContain(path.basename(running));
    expect(left).toContain(path.basename(reused));
    expect(left).not.toContain(path.basename(gone));
    expect(left).toHaveLength(4);
  });

  it('refuses sources that do not compile, leaving nothing behind', async () => {
    const { root, cache, compile } = compiler();
    writeFileSync(path.join(root, 'src', 'broken.ts'), 'export const = ;');
    await expect(compile()).rejects.toThrow(/broken\.ts/);
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });

  it('gives two starts compiling at once the same whole folder', async () => {
    const { root, cache } = compiler();
    // Each start is a process of its own, with its own esbuild.
    const start = () =>
      run(process.execPath, [
        '--input-type=module',
        '--eval',
        `import { compiledSources } from ${JSON.stringify(moduleUrl)};
console.log(await compiledSources(${JSON.stringify(root)}, { cache: ${JSON.stringify(cache)} }));`,
      ]).then(({ stdout }) => stdout.trim());
    const [one, two] = await Promise.all([start(), start()]);
    expect(one).toBe(two);
    expect(readdirSync(cache)).toEqual([path.basename(one)]);
    expect(existsSync(path.join(one, 'src', 'main.js'))).toBe(true);
  });
});
