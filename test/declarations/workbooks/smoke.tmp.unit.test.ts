import { it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import {
  readDeclarationUpload,
  readAnalysesUpload,
  readChecklistUpload,
} from '../../../src/declarations/workbooks/index.js';
import { expected, filled, settings } from './support/workbookFixtures.js';

it('smoke', async () => {
  const d = await filled('dichiarazione');
  writeFileSync('/tmp/d.xlsx', d);
  const r = await readDeclarationUpload(d, expected('dichiarazione'), settings, 3900);
  console.log(JSON.stringify(r, null, 1));
  const a = await filled('analisi');
  writeFileSync('/tmp/a.xlsx', a);
  console.log(JSON.stringify(await readAnalysesUpload(a, expected('analisi'), settings), null, 1));
  const c = await filled('checklist');
  writeFileSync('/tmp/c.xlsx', c);
  console.log(JSON.stringify(await readChecklistUpload(c, expected('checklist')), null, 1));
  expect(r.figures).not.toBeNull();
});
