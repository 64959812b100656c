import { z } from 'zod';
import { line } from '../platform/http/text.js';

const readable =
  'Promemoria: indicare i giorni prima della scadenza come numeri separati da virgole (es. 30, 7), oppure lasciare vuoto.';

/**
 * «30, 7» as the operator types it (page or CLI): days before the deadline, longest first; empty
 * for none. Whether the days are usable is the campaign's rule (reminderDaysProblems).
 */
export const reminderDaysText = line(100).transform((text, ctx) => {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.every((part) => /^\d{1,4}$/.test(part))) {
    ctx.addIssue({ code: 'custom', message: readable });
    return z.NEVER;
  }
  return parts.map(Number).sort((a, b) => b - a);
});

/** The days as the forms show them. */
export const reminderDaysLine = (days: readonly number[]): string => days.join(', ');
