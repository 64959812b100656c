import { moduleBeside, offThread } from '../../platform/documents/renderThread.js';
import { analysesTemplate } from './analysesTemplate.js';
import type { CellTexts } from './cellForms.js';
import { checklistTemplate } from './checklistTemplate.js';
import { declarationTemplate } from './declarationTemplate.js';
import type { TemplateContext } from './templateContext.js';

/** A template asked of the render thread: the context, and the cells typed online if any. */
export interface TemplateJob {
  readonly ctx: TemplateContext;
  readonly values?: CellTexts;
}

// What the render thread (renderWorker.ts) calls, by name.
export const declarationWorkbook = ({ ctx, values }: TemplateJob) =>
  declarationTemplate(ctx, values);
export const analysesWorkbook = ({ ctx, values }: TemplateJob) => analysesTemplate(ctx, values);
export const checklistWorkbook = ({ ctx }: TemplateJob) => checklistTemplate(ctx);

const here = moduleBeside(import.meta.url, 'templateThread');

/**
 * A template made on the render thread (src/platform/documents/renderThread.ts), called as the
 * template itself is: exceljs takes 5–8 ms of CPU a workbook, at every save of a declaration typed
 * online, which no other request then waits behind.
 */
export function onRenderThread(
  maker: 'declarationWorkbook' | 'analysesWorkbook' | 'checklistWorkbook',
) {
  const make = offThread<TemplateJob>(here, maker);
  return (ctx: TemplateContext, values?: CellTexts) => make(values ? { ctx, values } : { ctx });
}
