const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A snippet maker for one query's terms (the pattern is compiled once for a page of hits): a short,
 * HTML-escaped excerpt around the first term in a text, with every term wrapped in <mark>. Falls back to
 * the start of the text when no term occurs in it (e.g. a title-only match).
 */
export function snippetMaker(terms: string[], { before = 30, length = 120 } = {}): (source: string) => string {
  const pattern = terms.length ? new RegExp(terms.slice().sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'gi') : null;
  return (source) => {
    const text = source.replace(/\s+/g, ' ');
    const lower = text.toLowerCase();
    let first = -1;
    for (const term of terms) {
      const index = lower.indexOf(term);
      if (index >= 0 && (first < 0 || index < first)) first = index;
    }
    const start = Math.max(0, first - before);
    const end = Math.min(text.length, start + length);
    const excerpt = text.slice(start, end);
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
  };
}

export const highlightSnippet = (source: string, terms: string[], options?: { before?: number; length?: number }) => snippetMaker(terms, options)(source);
