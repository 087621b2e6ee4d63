import { pinyin } from 'pinyin-pro';
import slugify from 'slugify';

const MAX_SLUG_LENGTH = 80;

/** A readable URL slug for a Chinese or mixed title: pinyin first, then slugify (认识情绪 → ren-shi-qing-xu). */
export function slugFromTitle(title: string): string {
  const syllables = pinyin(title, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true });
  const slug = slugify(syllables.join(' '), { lower: true, strict: true, trim: true });
  if (slug.length <= MAX_SLUG_LENGTH) return slug || 'untitled';
  const cut = slug.slice(0, MAX_SLUG_LENGTH);
  return cut.slice(0, cut.lastIndexOf('-') > 0 ? cut.lastIndexOf('-') : MAX_SLUG_LENGTH);
}

/** The first of base, base-2, base-3, … not in `taken`. */
export function firstFreeSlug(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n += 1) {
    if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
  }
}
