import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/support/globalSetup.ts'],
    // Vitest's default is one worker less than the cores: a single one on a 2-core machine, where
    // most files wait on a database, a child process or a browser for part of their time.
    maxWorkers: Math.max(2, availableParallelism()),
    // Files of one worker share the modules they import (the app, exceljs, pdfmake…) instead of
    // loading them again for each file; each file still builds its own app and database.
    isolate: false,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.unit.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['test/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
