import { describe, expect, it } from 'vitest';
import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import {
  readAnalysesUpload,
  readChecklistUpload,
  readDeclarationUpload,
} from '../../../src/declarations/workbooks/index.js';
import { badCases, type BadCase } from './support/badCases.js';
import { expected, settings } from './support/workbookFixtures.js';

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

describe('refused uploads', () => {
  it('cover at least 25 distinct bad files', () => {
    expect(badCases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(badCases.map((c) => c.name)).size).toBe(badCases.length);
  });

  it.each(badCases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const result = await upload(c, await c.make());
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
    const inputs = await Promise.all(badCases.map(async (c) => [c, await c.make()] as const));
    for (const [c, bytes] of inputs) {
      const started = performance.now();
      await upload(c, bytes);
      expect(performance.now() - started, c.name).toBeLessThan(2000);
    }
  });
});
