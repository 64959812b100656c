import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headingLevels, pageText, sectionText } from '../observatory/pageText.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/** The links of the footer's «Note legali», as [text, href]. */
const legalLinks = (html: string): [string, string][] => {
  const footer = /<footer\b[\s\S]*<\/footer>/.exec(html)?.[0] ?? '';
  const nav = /<nav aria-label="Note legali">([\s\S]*?)<\/nav>/.exec(footer)?.[1] ?? '';
  return [...nav.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[2]!, m[1]!]);
};

describe('the accessibility statement (AgID model)', () => {
  const feedbackEmail = 'accessibilita@gestore.example';
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp({ env: { ACCESSIBILITY_EMAIL: feedbackEmail } });
  });
  afterAll(async () => ctx.close());

  it('says how far the portal conforms, what is not accessible, and how to report and appeal', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/accessibilita' });
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toMatch(/<h1[^>]*>\s*Dichiarazione di accessibilità\s*<\/h1>/);
    expect(headingLevels(html).skips).toEqual([]);
    expect(sectionText(html, 'Stato di conformità')).toContain(
      'Questo sito web è parzialmente conforme',
    );
    expect(sectionText(html, 'Inosservanza della legge 4/2004')).toContain('PDF');
    expect(sectionText(html, 'Onere sproporzionato')).toBeTruthy();
    expect(sectionText(html, 'Redazione della dichiarazione di accessibilità')).toMatch(
      /redatta il \d{1,2} \S+ \d{4}/,
    );
    // The feedback mechanism: the configured address, as a link a person can follow.
    const feedback = sectionText(html, 'Meccanismo di feedback e recapiti');
    expect(feedback).toContain(feedbackEmail);
    expect(html).toContain(`<a href="mailto:${feedbackEmail}">${feedbackEmail}</a>`);
    // The appeal to the Difensore civico per il digitale, through AgID's procedure.
    expect(sectionText(html, 'Procedura di attuazione')).toContain(
      'Difensore civico per il digitale',
    );
    expect(html).toContain(
      'href="https://www.agid.gov.it/it/design-servizi/accessibilita/procedura-attuazione"',
    );
    expect(html).toContain('href="https://form.agid.gov.it"');
    expect(pageText(html)).toContain('legge 9 gennaio 2004, n. 4');
  });

  it('is linked from the footer of the home page and of the other pages', async () => {
    for (const url of ['/', '/accesso', '/privacy', '/accessibilita']) {
      const response = await ctx.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(legalLinks(response.body), url).toContainEqual([
        'Dichiarazione di accessibilità',
        '/accessibilita',
      ]);
    }
  });
});
