import type { BrowserResponse, HttpBrowser } from '../support/identityLogin.js';

/** Posts the month page's import form as a browser does: multipart, CSRF token and cookies. */
export async function postFile(
  browser: HttpBrowser,
  page: BrowserResponse,
  url: string,
  file: { name: string; content: Uint8Array },
): Promise<{ status: number; location: string | null; body: string }> {
  const form = new FormData();
  form.set('_csrf', /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '');
  form.set('comune', /name="comune" value="(\d{6})"/.exec(page.body)?.[1] ?? '');
  form.set('file', new Blob([new Uint8Array(file.content)]), file.name);
  const cookie = ['dichiara-session', 'dichiara-csrf']
    .map((name) => `${name}=${browser.cookie(name) ?? ''}`)
    .join('; ');
  const response = await fetch(browser.absolute(url), {
    method: 'POST',
    headers: { cookie },
    body: form,
    redirect: 'manual',
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    body: await response.text(),
  };
}
