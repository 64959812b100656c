import { analysesTemplate } from './analysesTemplate.js';
import type { CellTexts } from './cellForms.js';
import { checklistTemplate } from './checklistTemplate.js';
import { declarationTemplate } from './declarationTemplate.js';
import type { TemplateContext, WorkbookKind } from './templateContext.js';

/** A template to make on the render thread: its kind, its context, what was typed online. */
export interface TemplateJob {
  readonly kind: WorkbookKind;
  readonly ctx: TemplateContext;
  readonly texts?: CellTexts;
}

/** The render thread's end of index.ts's templates. */
export function makeTemplate({ kind, ctx, texts }: TemplateJob): Promise<Buffer> {
  if (kind === 'dichiarazione') return declarationTemplate(ctx, texts);
  if (kind === 'analisi') return analysesTemplate(ctx, texts);
  return checklistTemplate(ctx);
}
