import { describe, expect, it } from 'vitest';
import type { AuditNames } from '../../src/audit/auditNames.js';
import { eventDataHtml } from '../../src/audit/eventDataHtml.js';

describe('an event’s data as HTML', () => {
  it('shows a record as Italian names beside values, nested records ruled', () => {
    expect(eventDataHtml({ company: 'Ditta', plant: { cap: '40055' } })).toBe(
      '<dl class="event-data"><dt><code>company</code></dt><dd>Ditta</dd>' +
        '<dt>Stabilimento</dt><dd><dl class="event-data nested">' +
        '<dt>CAP</dt><dd>40055</dd></dl></dd></dl>',
    );
  });

  it('shows records that share their fields as a table, one row each', () => {
    const html = eventDataHtml({
      analyses: [
        { parameter: 'COD', value: 120 },
        { parameter: 'SST', value: 35 },
      ],
    });
    expect(html).toContain(
      '<thead><tr><th scope="col">#</th><th scope="col">Parametro</th><th scope="col">Valore</th></tr></thead>',
    );
    expect(html).toContain('<tr><td>1</td><td>COD</td><td>120</td></tr>');
    expect(html).toContain('<tr><td>2</td><td>SST</td><td>35</td></tr>');
  });

  it('names a field by what holds it, and says a recorded choice in words', () => {
    const html = eventDataHtml({
      status: 'awaiting-approval',
      companies: [{ name: 'Euro Oil SRL' }],
      issuedAt: '2026-01-10T09:00:00.000Z',
    });
    expect(html).toContain('<dt>Stato</dt><dd>in attesa di approvazione</dd>');
    expect(html).toContain('<dt>Ragione sociale</dt><dd>Euro Oil SRL</dd>');
    expect(html).toContain('<time datetime="2026-01-10T09:00:00.000Z">10/01/26, 10:00:00</time>');
  });

  it('shows an id by its name, linked to its stream with the id in its title', () => {
    const names: AuditNames = {
      name: (kind, id) =>
        kind === 'account' && id === 'studio-1'
          ? { label: 'Studio <Rossi>', href: '/revisione/stream/account-studio-1', id }
          : undefined,
    };
    const html = eventDataHtml({ managerId: 'studio-1', ownerAccountId: 'ditta-9' }, { names });
    expect(html).toContain(
      '<dt>Gestore</dt><dd><a href="/revisione/stream/account-studio-1" title="studio-1">Studio &lt;Rossi&gt;</a></dd>',
    );
    // An id the read models do not know stays as it is.
    expect(html).toContain('<dt>Ditta titolare</dt><dd>ditta-9</dd>');
    // A value alone (a cell of the diff) is read through the field it is of.
    expect(eventDataHtml('studio-1', { names, field: 'managerId' })).toContain(
      '>Studio &lt;Rossi&gt;</a>',
    );
  });

  it('numbers any other list, and says what is empty or missing', () => {
    expect(eventDataHtml(['200301', { code: '150106' }])).toMatch(
      /^<ol class="mb-0 ps-4"><li>200301<\/li><li><dl/,
    );
    expect(eventDataHtml([])).toBe('<span class="text-muted">elenco vuoto</span>');
    expect(eventDataHtml({})).toBe('<span class="text-muted">nessun campo</span>');
    expect(eventDataHtml(null)).toBe('<span class="text-muted">nessun valore</span>');
    expect(eventDataHtml('')).toBe('<span class="text-muted">testo vuoto</span>');
    expect(eventDataHtml(true)).toBe('sì');
  });

  it('escapes every name and value', () => {
    const html = eventDataHtml({
      '<b>': '<script>alert("x")</script>',
      rows: [{ "o'": 1 }, { "o'": 2 }],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('<code>o&#39;</code>');
  });
});
