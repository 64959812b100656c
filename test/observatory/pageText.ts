/**
 * Small readers of the server-rendered pages, by what a person sees: a field by its label, the
 * error the field is described by, a section by its heading. No snapshot, no CSS selectors.
 */
const decode = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The id of the control labelled `label` (the label's text starts with it), the n-th if many. */
export function controlId(html: string, label: string, nth = 0): string {
  const labels = [...html.matchAll(/<label for="([^"]+)"[^>]*>([\s\S]*?)<\/label>/g)].filter(
    (match) => decode(match[2]!).startsWith(label),
  );
  const id = labels[nth]?.[1];
  if (!id) throw new Error(`No field labelled "${label}" (#${nth}) on the page`);
  return id;
}

/**
 * The error message next to the field labelled `label`: the element its control is described by
 * (aria-describedby) and marked invalid with. Null when the field shows no error.
 */
export function fieldError(html: string, label: string, nth = 0): string | null {
  const id = controlId(html, label, nth);
  const control = new RegExp(
    `<(?:input|select|textarea)[^>]*\\bid="${escapeRegExp(id)}"[^>]*>`,
  ).exec(html)?.[0];
  if (!control) throw new Error(`No control with id "${id}"`);
  const described = /aria-describedby="([^"]+)"/.exec(control)?.[1]?.split(' ') ?? [];
  const errorId = described.find((ref) => ref.endsWith('-error'));
  if (!errorId || !/aria-invalid="true"/.test(control)) return null;
  const element = new RegExp(`<div id="${escapeRegExp(errorId)}"[^>]*>([\\s\\S]*?)</div>`).exec(
    html,
  );
  return element ? decode(element[1]!) : null;
}

/** The text of the section under the heading `heading` (up to the next heading of any level). */
export function sectionText(html: string, heading: string): string {
  const match = new RegExp(
    `<h([1-6])[^>]*>\\s*${escapeRegExp(heading)}\\s*</h\\1>([\\s\\S]*?)(?=<h[1-6][^>]*>|$)`,
  ).exec(html);
  if (!match) throw new Error(`No heading "${heading}" on the page`);
  return decode(match[2]!);
}

/** The page's visible text, tags removed and spaces collapsed. */
export const pageText = (html: string): string => decode(html);

/** The text of the first table row whose text contains `text`. */
export function rowText(html: string, text: string): string {
  const row = [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
    .map((match) => decode(match[1]!))
    .find((row) => row.includes(text));
  if (row === undefined) throw new Error(`No table row with "${text}" on the page`);
  return row;
}

/** The heading levels of a page's <main>, in order, and those that skip a level (h2 → h4). */
export function headingLevels(html: string): { levels: number[]; skips: number[] } {
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? html;
  const levels = [...main.matchAll(/<h([1-6])\b/g)].map((match) => Number(match[1]));
  return { levels, skips: levels.filter((level, i) => i > 0 && level > levels[i - 1]! + 1) };
}
