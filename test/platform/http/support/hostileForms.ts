import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { comparePositions } from '../../../../src/platform/eventStore/globalPosition.js';
import {
  bidiCharactersMessage,
  brokenCharactersMessage,
  controlCharactersMessage,
} from '../../../../src/platform/http/text.js';
import type { TestClient } from '../../../support/client.js';
import { settle, type TestApp } from '../../../support/testApp.js';

/**
 * What the hostile-input tests of every form share: the strings, a reader of the error beside a
 * field, the count of the log, and the check that every read model is still at its head.
 */

/** Text no field may keep: refused beside the field with this message, nothing recorded. */
export const refusedTexts = [
  ['a NUL', 'Mario\u0000Rossi', controlCharactersMessage],
  ['a bell (C0 control)', 'a\u0007b', controlCharactersMessage],
  ['a next-line (C1 control)', '\u0085x', controlCharactersMessage],
  ['a lone surrogate', 'x\uD800y', brokenCharactersMessage],
  ['a right-to-left override', '\u202Eabc', bidiCharactersMessage],
  ['a left-to-right isolate', '\u2066x', bidiCharactersMessage],
  ['100 kB of text', 'a'.repeat(100_000), /^Massimo \d+ caratteri\.$/],
] as const;

export type RefusedText = (typeof refusedTexts)[number];

/** Text a field may keep or refuse; kept, every page shows it as text. */
export const markupTexts = [
  ['a script element', '<script>alert(1)</script>'],
  ['a spreadsheet formula', '=HYPERLINK("http://evil.example","x")'],
  ['an attribute breakout', '"><img src=x onerror=alert(1)>'],
] as const;

/** What would run, or break out of an attribute, if one of markupTexts reached a page raw. */
const unsafe = ['<script>alert(1)', '<img src=x', '=HYPERLINK("'];

/** The text as the views print it (eta's escaping). */
export const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** No page may carry any of markupTexts unescaped. */
export function expectNoRawMarkup(body: string, where: string): void {
  for (const text of unsafe) expect(body, `${where} shows «${text}» raw`).not.toContain(text);
}

/** The message `expected` names: the exact sentence, or one matching the pattern. */
export function expectMessage(actual: string | null, expected: string | RegExp, where: string) {
  if (typeof expected === 'string') expect.soft(actual, where).toBe(expected);
  else expect.soft(actual, where).toEqual(expect.stringMatching(expected));
}

const decode = (html: string): string =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();

const attribute = (tag: string, name: string): string | undefined =>
  new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/**
 * The message beside the control named `name` that the page marks invalid: the element its
 * aria-describedby names. Null when no control of that name is marked invalid (a page may hold
 * many forms with a field of the same name: only the refused one is marked).
 */
export function fieldError(html: string, name: string): string | null {
  for (const [tag] of html.matchAll(/<(?:input|select|textarea)\b[^>]*>/g)) {
    if (attribute(tag, 'name') !== name || attribute(tag, 'aria-invalid') !== 'true') continue;
    const errorId = attribute(tag, 'aria-describedby')
      ?.split(' ')
      .find((id) => id.endsWith('-error'));
    if (!errorId) return null;
    const element = new RegExp(`<(\\w+)[^>]*\\sid="${errorId}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
    return element ? decode(element[2]!) : null;
  }
  return null;
}

/** A response as the tests read it, from inject() or from fetch(). */
export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly location: string | null;
}

/** Posts a form's fields (the CSRF token added) and answers with the server's reply. */
export type Send = (fields: Record<string, string>) => Promise<Reply>;

// Half of a UTF-16 pair without the other half (String.prototype.isWellFormed is ES2024).
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const hasLoneSurrogate = (fields: Record<string, string>) =>
  Object.values(fields).some((value) => loneSurrogate.test(value));

/**
 * A form of the portal as `client` fills it: the page is read first (its CSRF token), then the
 * fields are posted url-encoded, or as JSON when one holds a lone surrogate: URLSearchParams
 * would turn it into U+FFFD, JSON carries it as "\ud800" to the server.
 */
export const portalForm =
  (ctx: TestApp, browser: TestClient, page: string, url: string): Send =>
  async (fields) => {
    const form = await browser.get(page);
    expect(form.statusCode, `${page} before posting`).toBe(200);
    const response = hasLoneSurrogate(fields)
      ? await ctx.app.inject({
          method: 'POST',
          url,
          payload: JSON.stringify({ _csrf: csrfTokenOf(form.body), ...fields }),
          headers: {
            'content-type': 'application/json',
            cookie: ['dichiara-session', 'dichiara-csrf']
              .filter((name) => browser.cookie(name) !== undefined)
              .map((name) => `${name}=${browser.cookie(name)}`)
              .join('; '),
          },
        })
      : await browser.post(url, fields);
    const location = response.headers.location;
    return {
      status: response.statusCode,
      body: response.body,
      location: typeof location === 'string' ? location : null,
    };
  };

export const csrfTokenOf = (page: string): string =>
  /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

/** Events in the log, once the process managers have added theirs. */
export async function eventCount(ctx: TestApp): Promise<number> {
  await settle(ctx);
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from events`.execute(
    ctx.test.database.db,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * The hostile text in `field` is refused: 422, its Italian message beside the field, and the log
 * as it was (no event, not even from a process manager afterwards).
 */
export async function expectRefused(
  ctx: TestApp,
  send: Send,
  fields: Record<string, string>,
  field: string,
  message: string | RegExp,
): Promise<void> {
  const before = await eventCount(ctx);
  const response = await send(fields);
  const excerpt = `${field}: ${response.status} ${response.body.slice(0, 300)}`;
  // Soft: a wrong status or message still lets the log be checked, and each is reported.
  expect.soft(response.status, excerpt).toBe(422);
  expectMessage(fieldError(response.body, field), message, `message beside ${field}`);
  expect(await eventCount(ctx), `events recorded for ${field}`).toBe(before);
}

/**
 * The markup in the fields is kept or refused; either way the answer and the page a redirect
 * leads to show it only escaped. Returns the reply (303 when kept).
 */
export async function expectNeverRaw(
  send: Send,
  fields: Record<string, string>,
  follow: (url: string) => Promise<string>,
): Promise<Reply> {
  const response = await send(fields);
  const excerpt = `${response.status} ${response.body.slice(0, 300)}`;
  expect([200, 303, 422], excerpt).toContain(response.status);
  expectNoRawMarkup(response.body, 'the answer');
  if (response.location) expectNoRawMarkup(await follow(response.location), response.location);
  return response;
}

/** /readyz is 200 and every projection, none failed, has applied the whole log. */
export async function expectReadModelsAtHead(ctx: TestApp): Promise<void> {
  await settle(ctx);
  const ready = await ctx.app.inject({ method: 'GET', url: '/readyz' });
  expect(ready.statusCode, ready.body).toBe(200);
  const head = await ctx.store.headPosition();
  const behind = ctx.projections
    .status()
    .filter(
      (projection) =>
        projection.state === 'failed' ||
        (head !== null && comparePositions(projection.checkpoint, head) < 0),
    )
    .map(({ name, state, failure }) => ({ name, state, failure }));
  expect(behind).toEqual([]);
}

/** The limiter counts every post of a form; these tests are about the text, not about it. */
export async function forgetRateLimits(ctx: TestApp): Promise<void> {
  await ctx.test.database.db.deleteFrom('rate_limits').execute();
}

/** Every hostile text in every one of `fields`: one case each, named after both. */
export const refusalCases = (fields: readonly string[]) =>
  fields.flatMap((field) =>
    refusedTexts.map(([label, text, message]) => ({ field, label, text, message })),
  );

/** A form of the table: its valid fields and those typed by a person. */
export interface HostileForm {
  readonly name: string;
  readonly fields: Record<string, string>;
  readonly textFields: readonly string[];
}

/**
 * For every form, every refused text in every text field: 422 beside the field, nothing
 * recorded. `app` is read when the case runs (the app starts in beforeAll).
 */
export function describeRefusals<F extends HostileForm>(
  forms: readonly F[],
  app: () => TestApp,
  send: (form: F) => Send,
): void {
  describe.each(forms)('the form of the $name', (form) => {
    it.each(refusalCases(form.textFields))(
      'refuses $label in $field beside it, recording nothing',
      async ({ field, text, message }) => {
        await expectRefused(app(), send(form), { ...form.fields, [field]: text }, field, message);
      },
    );
  });
}
