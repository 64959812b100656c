/**
 * npm run build: the portal as plain JavaScript in dist/, for production (`node dist/main.js`),
 * so that no TypeScript is compiled on every start. tsc writes dist/ as a mirror of the project
 * (dist/src, dist/domain, …); the pages, the static files and the export's offline check go
 * beside them, where the modules find them by the same relative paths as in the sources.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

rmSync('dist', { recursive: true, force: true });
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  {
    stdio: 'inherit',
  },
);
for (const folder of ['views', 'public']) cpSync(folder, `dist/${folder}`, { recursive: true });
cpSync('scripts/verifyExport.mjs', 'dist/scripts/verifyExport.mjs');
writeFileSync('dist/main.js', "// npm start's portal, built.\nimport './src/main.js';\n");
writeFileSync('dist/cli.js', "// npm run cli's commands, built.\nimport './src/cli.js';\n");
console.log('Pronto: node dist/main.js (il portale), node dist/cli.js (la riga di comando).');
