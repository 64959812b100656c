import { describe, expect, it } from 'vitest';
import { eventDataHtml } from '../../src/audit/eventDataHtml.js';

describe('an event’s data as HTML', () => {
  it('shows a record as names beside values, nested records ruled', () => {
    expect(eventDataHtml({ company: 'Ditta', plant: { cap: '40055' } })).toBe(
      '<dl class="event-data"><dt><code>company</code></dt><dd>Ditta</dd>' +
        '<dt><code>plant</code></dt><dd><dl class="event-data nested">' +
        '<dt><code>cap</code></dt><dd>40055</dd></dl></dd></dl>',
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
      '<thead><tr><th scope="col">#</th><th scope="col"><code>parameter</code></th><th scope="col"><code>value</code></th></tr></thead>',
    );
    expect(html).toContain('<tr><td>1</td><td>COD</td><td>120</td></tr>');
    expect(html).toContain('<tr><td>2</td><td>SST</td><td>35</td></tr>');
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
