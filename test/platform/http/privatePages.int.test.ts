import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUnassociated } from '../../../src/dev/demoIdentities.js';
import { TestClient } from '../../support/client.js';
import { browserLoggedInAs, listenOnFreePort } from '../../support/identityLogin.js';
import {
  createOperator,
  operatorLogin,
  signedIn,
  startTestApp,
  type TestApp,
} from '../../support/testApp.js';

/** What a signed-in person sees is stored by no browser or proxy; the public site and assets are. */
describe('caching of pages behind a login', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
  });
  afterAll(async () => ctx.close());

  it('marks every page of a signed-in account no-store, public pages included', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    for (const url of ['/operatori/anagrafica', '/', '/pagina-che-non-esiste']) {
      const response = await operator.get(url);
      expect(response.headers['cache-control'], url).toBe('no-store');
    }
    const fragment = await operator.get('/operatori/anagrafica', { 'hx-request': 'true' });
    expect(fragment.headers['cache-control']).toBe('no-store');
  });

  it('leaves the public pages of a visitor and the assets of anyone to their caching', async () => {
    const visitor = new TestClient(ctx.app);
    expect((await visitor.get('/')).headers['cache-control']).toBeUndefined();
    const operator = await signedIn(ctx, operatorLogin);
    const asset = await operator.get('/assets/app/css/app.css');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toMatch(/^public, max-age=\d+/);
  });

  it('marks the pages of a SPID/CIE session no-store', async () => {
    const browser = await browserLoggedInAs(await listenOnFreePort(ctx.app), demoUnassociated);
    const page = await browser.get('/osservatorio');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
  });
});
