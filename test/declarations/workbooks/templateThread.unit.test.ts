import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { analysesTemplate as analysesHere } from '../../../src/declarations/workbooks/analysesTemplate.js';
import type { CellTexts } from '../../../src/declarations/workbooks/cellForms.js';
import { checklistTemplate as checklistHere } from '../../../src/declarations/workbooks/checklistTemplate.js';
import { declarationTemplate as declarationHere } from '../../../src/declarations/workbooks/declarationTemplate.js';
import {
  analysesTemplate,
  checklistTemplate,
  declarationTemplate,
} from '../../../src/declarations/workbooks/index.js';
import { context } from './support/workbookFixtures.js';

/** A workbook's parts as text, but the one that says when it was made. */
const parts = (xlsx: Buffer) =>
  Object.fromEntries(
    Object.entries(unzipSync(xlsx))
      .filter(([path]) => path !== 'docProps/core.xml')
      .map(([path, bytes]) => [path, strFromU8(bytes)]),
  );

const typed: CellTexts = new Map([
  ['Dichiarazione', new Map([['B10', '1234,5']])],
  ['Fonti di approvvigionamento', new Map([['A2', 'Pozzo']])],
]);

describe('the templates on the render thread', () => {
  it('are the workbooks made here, with what was typed online, for templates asked at once', async () => {
    const [declaration, withTexts, analyses, checklist] = await Promise.all([
      declarationTemplate(context),
      declarationTemplate(context, typed),
      analysesTemplate(context),
      checklistTemplate(context),
    ]);
    expect(parts(declaration)).toEqual(parts(await declarationHere(context)));
    expect(parts(withTexts)).toEqual(parts(await declarationHere(context, typed)));
    expect(parts(withTexts)).not.toEqual(parts(declaration));
    expect(parts(analyses)).toEqual(parts(await analysesHere(context)));
    expect(parts(checklist)).toEqual(parts(await checklistHere(context)));
    // A thread's start and exceljs loaded in it: seconds on a busy 2-core machine.
  }, 30_000);
});
