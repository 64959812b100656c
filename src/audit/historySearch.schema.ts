import { z } from 'zod';
import { formatPosition, parsePosition } from '../platform/eventStore/globalPosition.js';
import { line } from '../platform/http/text.js';
import type { HistoryCursor, HistoryFilter, HistoryOrder } from './historySearch.js';
import type { ActorMatch, ReferenceMatch } from './historyFilters.js';
import { romeLocal } from './historyTime.js';

/** A repeated query parameter counts once, as its last value; an absent one as ''. */
export const lastValue = (value: unknown): unknown =>
  (Array.isArray(value) ? (value.at(-1) as unknown) : value) ?? '';

/** A query string as the parser hands it over: each name once (a string) or repeated. */
export const rawQuery = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

/** A query parameter as one line of clean text, as a person typed it in the form. */
const text = (max: number) => z.preprocess(lastValue, line(max));

const localTime = (label: string) =>
  text(19).refine(
    (value) => value === '' || romeLocal(value) !== null,
    `${label}: inserire data e ora (gg/mm/aaaa hh:mm).`,
  );

const cursor = text(80).refine(
  (value) => value === '' || parseCursor(value) !== null,
  'Il segno di pagina non è valido: ripartire dalla prima pagina.',
);

/** A page's cursor in the URL: "commit/prepare", after "time@" when the page is in time order. */
export function formatCursor(cursor: HistoryCursor): string {
  const position = formatPosition(cursor.position);
  return cursor.time === undefined ? position : `${cursor.time}@${position}`;
}

export function parseCursor(value: string): HistoryCursor | null {
  const at = value.lastIndexOf('@');
  const position = parsePosition(at < 0 ? value : value.slice(at + 1));
  if (!position) return null;
  if (at < 0) return { position };
  const time = value.slice(0, at);
  return /^[0-9T:.\-Z+]{0,35}$/.test(time) ? { position, time } : null;
}

/** The search form of /revisione, read from the query string (a GET form: it changes nothing). */
export const historySearchSchema = z
  .object({
    flusso: text(300),
    corrispondenza: z.preprocess(
      (value) => (value === 'prefisso' ? 'prefisso' : 'esatta'),
      z.enum(['esatta', 'prefisso']),
    ),
    riferimento: text(100),
    tipo: text(200),
    attore: text(300),
    correlazione: text(300),
    periodo: z.preprocess(
      (value) => (lastValue(value) === 'registrato' ? 'registrato' : 'avvenuto'),
      z.enum(['avvenuto', 'registrato']),
    ),
    dal: localTime('Dal'),
    al: localTime('Fino al'),
    ordine: z.preprocess(
      (value) => (value === 'vecchi' ? 'vecchi' : 'recenti'),
      z.enum(['recenti', 'vecchi']),
    ),
    dopo: cursor,
    prima: cursor,
  })
  .refine((form) => !form.dal || !form.al || romeLocal(form.dal)!.start < romeLocal(form.al)!.end, {
    path: ['al'],
    message: 'Fino al: deve seguire la data di inizio.',
  });

export type HistorySearchForm = z.infer<typeof historySearchSchema>;

export interface HistorySearch {
  readonly filter: HistoryFilter;
  readonly order: HistoryOrder;
  readonly after: HistoryCursor | null;
  readonly before: HistoryCursor | null;
}

/** What the form's author and reference named, looked up in the read models (historyFilters). */
export interface ResolvedFilters {
  readonly actors: readonly ActorMatch[];
  readonly reference: ReferenceMatch | null;
}

/** The form's values as a query: dates in Rome time become UTC bounds, "al" inclusive. */
export function toHistorySearch(form: HistorySearchForm, resolved: ResolvedFilters): HistorySearch {
  const timed = Boolean(form.dal || form.al);
  return {
    filter: {
      streamId: form.flusso || undefined,
      streamPrefix: form.corrispondenza === 'prefisso',
      streamIds: form.riferimento ? (resolved.reference?.streamIds ?? []) : undefined,
      type: form.tipo || undefined,
      actorIds: form.attore ? resolved.actors.map((actor) => actor.id) : undefined,
      correlationId: form.correlazione || undefined,
      timeField: timed ? (form.periodo === 'registrato' ? 'recordedAt' : 'occurredAt') : undefined,
      timeFrom: form.dal ? romeLocal(form.dal)?.start : undefined,
      timeBefore: form.al ? romeLocal(form.al)?.end : undefined,
    },
    order: form.ordine === 'vecchi' ? 'oldest' : 'newest',
    after: form.dopo ? parseCursor(form.dopo) : null,
    before: form.prima ? parseCursor(form.prima) : null,
  };
}

/** The form fields a search (and an export's manifest) keeps, in the form's order. */
export const searchFields = [
  'flusso',
  'corrispondenza',
  'riferimento',
  'tipo',
  'attore',
  'correlazione',
  'periodo',
  'dal',
  'al',
] as const;

/** The query string of the same search at another cursor (no cursor: the first page). */
export function searchUrl(
  form: HistorySearchForm,
  page: { dopo?: string; prima?: string } = {},
): string {
  const params = new URLSearchParams();
  const defaults: Partial<Record<(typeof searchFields)[number], string>> = {
    corrispondenza: 'esatta',
    periodo: 'avvenuto',
  };
  for (const name of searchFields) {
    const value = form[name];
    if (value && value !== defaults[name]) params.set(name, value);
  }
  if (form.ordine === 'vecchi') params.set('ordine', 'vecchi');
  if (page.dopo) params.set('dopo', page.dopo);
  if (page.prima) params.set('prima', page.prima);
  const query = params.toString();
  return query ? `/revisione?${query}` : '/revisione';
}
