/**
 * `npm run dev`: the portal through tsx, restarted when a `.ts` file or an `.eta` page changes
 * (tsx watch), with the allocator's settings that `npm start` gives it (src/allocator.ts,
 * scripts/portalProcess.mjs), so that what is measured in development is what runs.
 */
import { createRequire } from 'node:module';
import { tsImport } from 'tsx/esm/api';
import { runPortal } from './portalProcess.mjs';

const { withAllocatorSettings } = await tsImport('../src/allocator.ts', import.meta.url);
runPortal(
  [
    createRequire(import.meta.url).resolve('tsx/cli'),
    'watch',
    '--include',
    'views/**/*.eta',
    'src/main.ts',
    ...process.argv.slice(2),
  ],
  withAllocatorSettings(process.env),
  // tsx watch runs the portal in a child of its own: the channel would not reach it. It takes a
  // second Ctrl-C as an order to kill the portal at once: the terminal's alone reaches it.
  { ipc: false, forwarded: ['SIGTERM'] },
);
