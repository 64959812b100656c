import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headingLevels, pageText } from '../observatory/pageText.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/**
 * «Istruzioni per la compilazione» follows the seed's manual from login to the result page, in
 * its order, for a visitor who has not signed in; its index leads to every section it names.
 */
describe('the instructions page', () => {
  let ctx: TestApp;
  let main: string;

  beforeAll(async () => {
    ctx = await startTestApp();
    const response = await ctx.app.inject({ method: 'GET', url: '/istruzioni' });
    expect(response.statusCode).toBe(200);
    main = /<main\b[^>]*>([\s\S]*?)<\/main>/.exec(response.body)?.[1] ?? '';
  });
  afterAll(async () => ctx.close());

  const headings = () =>
    [...main.matchAll(/<h([1-6])\b([^>]*)>([\s\S]*?)<\/h\1>/g)].map((match) => ({
      level: Number(match[1]),
      id: /\bid="([^"]+)"/.exec(match[2]!)?.[1],
      text: pageText(match[3]!),
    }));

  it('covers the whole manual, one section per page of the seed, in its order', () => {
    const sections = headings()
      .filter((heading) => heading.level === 2)
      .map((heading) => heading.text);
    const expected = [
      'Pagina di login',
      'Pagina della Registrazione',
      'Home page area riservata',
      'Dichiarazioni degli Scarichi Industriali',
      'Selezione contratto',
      'Scaricamento dei modelli',
      'Caricamento dichiarazione',
      'Caricamento analisi chimiche',
      'Caricamento check-list fattori di rischio',
      'Caricamento allegati aggiuntivi',
      'Validazione',
      'Risultato caricamento',
      'Modifica Profilo',
    ];
    const positions = expected.map((title) =>
      sections.findIndex((section) => section.endsWith(title)),
    );
    expect(positions, sections.join(' | ')).not.toContain(-1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(sections.slice(4, 10).map((section) => section.split(' ')[0])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
    ]);
  });

  it('names what the portal adds beyond the seed', () => {
    const text = pageText(main);
    for (const phrase of [
      'VISUALIZZA ANTEPRIMA DICHIARAZIONE',
      'D.P.R. 445/2000',
      'password del proprio account',
      'stima non vincolante',
      'Accettata',
      'Integrazione richiesta',
      'Respinta',
      'Avvia la rettifica',
      'nuovo numero di protocollo',
      'ricevuta del registro',
    ]) {
      expect(text).toContain(phrase);
    }
    expect(main).toContain('href="/trasparenza"');
  });

  it('opens with an index whose every link leads to a section of the page', () => {
    const index = /<nav\b[^>]*aria-label="Indice"[^>]*>([\s\S]*?)<\/nav>/.exec(main)?.[1];
    expect(index, 'no nav labelled «Indice»').toBeDefined();
    expect(main.indexOf('aria-label="Indice"')).toBeLessThan(main.indexOf('<h2'));
    const targets = [...index!.matchAll(/<a\b[^>]*href="#([^"]+)"/g)].map((match) => match[1]!);
    expect(targets.length).toBeGreaterThanOrEqual(13);
    const ids = new Set([...main.matchAll(/\bid="([^"]+)"/g)].map((match) => match[1]!));
    expect(targets.filter((target) => !ids.has(target))).toEqual([]);
    const sectionIds = headings()
      .filter((heading) => heading.level === 2)
      .map((heading) => heading.id);
    expect(sectionIds.filter((id) => id === undefined || !targets.includes(id))).toEqual([]);
  });

  it('has one h1 and headings that never skip a level', () => {
    const { levels, skips } = headingLevels(main);
    expect(levels.filter((level) => level === 1)).toHaveLength(1);
    expect(levels[0]).toBe(1);
    expect(skips).toEqual([]);
  });
});
