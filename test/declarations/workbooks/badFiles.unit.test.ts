import { describe, expect, it } from 'vitest';
import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import {
  readAnalysesUpload,
  readChecklistUpload,
  readDeclarationUpload,
} from '../../../src/declarations/workbooks/index.js';
import { badCases, type BadCase } from './support/badCases.js';
import { expected, fixture, settings } from './support/workbookFixtures.js';

/** Reads an upload as the route does; `figures` is undefined for the check-list, which has none. */
async function upload(
  c: BadCase,
  bytes: Uint8Array,
): Promise<{ figures?: unknown; issues: readonly WorkbookIssue[] }> {
  switch (c.kind) {
    case 'dichiarazione':
      return readDeclarationUpload(bytes, expected(c.kind), settings, null);
    case 'analisi':
      return readAnalysesUpload(bytes, expected(c.kind), settings);
    case 'checklist':
      return readChecklistUpload(bytes, expected(c.kind));
  }
}

const made = new Map<BadCase, Promise<Uint8Array>>();
/** Each bad file is made once, then read by both tests. */
const bytesOf = (c: BadCase): Promise<Uint8Array> => {
  const bytes = made.get(c) ?? c.make();
  made.set(c, bytes);
  return bytes;
};

describe('refused uploads', () => {
  it('cover at least 25 distinct bad files', () => {
    expect(badCases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(badCases.map((c) => c.name)).size).toBe(badCases.length);
  });

  it.each(badCases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const result = await upload(c, await bytesOf(c));
    const errors = result.issues.filter((issue) => issue.severity === 'error');
    expect(errors[0], JSON.stringify(result.issues)).toMatchObject({
      code: c.code,
      file: c.kind,
      problem: c.problem,
      ...(c.sheet ? { sheet: c.sheet } : {}),
      ...(c.cell ? { cell: c.cell } : {}),
    });
    expect(errors[0]?.fix.length).toBeGreaterThan(10);
    if (c.kind !== 'checklist') expect(result.figures).toBeNull();
  });

  it('each completes quickly, without hanging or throwing', async () => {
    const inputs = await Promise.all(badCases.map(async (c) => [c, await bytesOf(c)] as const));
    for (const [c, bytes] of inputs) {
      const started = performance.now();
      await upload(c, bytes);
      // A guard against hanging, not a speed figure (bench:workbooks measures that): loose
      // enough for a CI machine whose two cores are busy with the other test files.
      expect(performance.now() - started, c.name).toBeLessThan(5000);
    }
  }, 60_000);

  it('never throws nor hangs on damaged copies of a valid file', async () => {
    // A fixed-seed generator: the same 300 damaged files on every run.
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const valid = fixture('declaration.exceljs.xlsx');
    for (let i = 0; i < 300; i++) {
      const bytes = Uint8Array.from(valid);
      for (let k = 0; k < 1 + random() * 8; k++) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      const end = random() < 0.1 ? Math.floor(random() * bytes.length) : bytes.length;
      const started = performance.now();
      const result = await readDeclarationUpload(
        bytes.subarray(0, end),
        expected('dichiarazione'),
        settings,
        null,
      );
      expect(performance.now() - started).toBeLessThan(2000);
      expect(result.figures === null).toBe(
        result.issues.some((issue) => issue.severity === 'error'),
      );
    }
  });
});
