import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';

/*
 * One written form for the index and the query: traditional characters (Taiwan and Hong Kong forms included)
 * become simplified (opencc-js), full-width letters and digits become half-width (NFKC), letters lower case.
 * 情緒 and 情绪, ＡＤＨＤ and adhd are then the same term.
 */
const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

export function fold(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase();
}

const HAN = /^\p{Script=Han}+$/u;
export const isHan = (term: string) => HAN.test(term);
export const isLatin = (term: string) => /^[a-z]+$/.test(term);

/**
 * The ways a teacher types a Chinese word in pinyin: in full (焦虑 → jiaolv, jiaolu: ü typed as v or u) and by
 * initials (心理健康 → xljk). Empty for anything but Han characters.
 */
export function pinyinForms(term: string): { full: string[]; initials: string } | null {
  if (!isHan(term)) return null;
  const full = pinyin(term, { toneType: 'none', separator: '', v: true, nonZh: 'removed' }).toLowerCase();
  const initials = pinyin(term, { pattern: 'first', toneType: 'none', separator: '', nonZh: 'removed' }).toLowerCase();
  return { full: full.includes('v') ? [full, full.replace(/v/g, 'u')] : [full], initials };
}
