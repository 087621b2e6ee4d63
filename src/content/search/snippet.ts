const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A short, HTML-escaped excerpt around the first query term in `text`, with every term wrapped in <mark>.
 * Falls back to the start of the text when no term occurs in it (e.g. a title-only match).
 */
export function highlightSnippet(source: string, terms: string[], { before = 30, length = 120 } = {}): string {
  const text = source.replace(/\s+/g, ' ');
  const lower = text.toLowerCase();
  const positions = terms.map((term) => lower.indexOf(term)).filter((index) => index >= 0);
  const first = positions.length ? Math.min(...positions) : 0;
  const start = Math.max(0, first - before);
  const end = Math.min(text.length, start + length);
  const excerpt = text.slice(start, end);
  const pattern = terms.length
    ? new RegExp(terms.slice().sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'gi')
    : null;
  let html = '';
  let last = 0;
  if (pattern) {
    for (const match of excerpt.matchAll(pattern)) {
      html += escapeHtml(excerpt.slice(last, match.index)) + `<mark>${escapeHtml(match[0])}</mark>`;
      last = (match.index as number) + match[0].length;
    }
  }
  html += escapeHtml(excerpt.slice(last));
  return `${start > 0 ? '…' : ''}${html}${end < text.length ? '…' : ''}`;
}
