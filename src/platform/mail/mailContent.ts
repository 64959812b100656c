export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** As the mails' HTML bodies escape text (the erasure finds a name there the same way). */
export const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Plain text and HTML from the same paragraphs, so both parts always say the same thing. */
export function mailContent(subject: string, paragraphs: readonly string[]): MailContent {
  const closing = [
    'Questo messaggio è stato inviato automaticamente dal portale Dichiara: non rispondere.',
  ];
  const all = [...paragraphs, ...closing];
  return {
    subject: `Dichiara – ${subject}`,
    text: all.join('\n\n'),
    html: `<!doctype html><html lang="it"><body style="font-family:sans-serif">${all.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</body></html>`,
  };
}
