import { errors } from '@strapi/utils';

/**
 * Content (lesson plans, psychodrama scripts, anonymised cases) must never carry a student's identity,
 * so text containing a resident ID number, a mobile number or an email address is refused.
 */
export type PersonalDataKind = 'resident_id' | 'mobile' | 'email';
export interface PersonalDataFinding {
  kind: PersonalDataKind;
  path: string;
}

export const DEFAULT_SKIP_KEYS = ['id', 'documentId', 'slug', 'locale', 'publishedAt', 'createdAt', 'updatedAt', '__component'];

const KIND_LABEL: Record<PersonalDataKind, string> = {
  resident_id: 'a resident ID number',
  mobile: 'a mobile phone number',
  email: 'an email address',
};

// Digit lookarounds keep these from matching inside a longer number (order numbers, timestamps, other IDs).
const RESIDENT_ID = /(?<!\d)\d{17}[\dX](?!\d)/gi;
const MOBILE = /(?<!\d)(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/;
// "@2x.png"-style retina image names are not addresses.
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?!(?:png|jpe?g|gif|svg|webp)\b)[A-Za-z]{2,}/i;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/** GB 11643 / ISO 7064 MOD 11-2 check character plus a plausible YYYYMMDD birth date. */
function isValidResidentId(id: string): boolean {
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  const sum = ID_WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(id[i]), 0);
  return ID_CHECK_CHARS[sum % 11] === id[17].toUpperCase();
}

/** Full-width forms (０-９, Ｘ, ＠, ＋, ideographic space) are what Chinese IMEs often produce. */
function toHalfWidth(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

export function detectPersonalData(text: string): PersonalDataKind | null {
  const normalized = toHalfWidth(text);
  if ([...normalized.matchAll(RESIDENT_ID)].some((match) => isValidResidentId(match[0]))) return 'resident_id';
  // Email before mobile so "13800138000@163.com" is reported as the address it is.
  if (EMAIL.test(normalized)) return 'email';
  if (MOBILE.test(normalized)) return 'mobile';
  return null;
}

function walk(
  value: unknown,
  path: string[],
  skipKeys: readonly string[],
  seen: WeakSet<object>
): { kind: PersonalDataKind; path: string[] } | null {
  if (typeof value === 'string') {
    const kind = detectPersonalData(value);
    return kind ? { kind, path } : null;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value).filter(([key]) => !skipKeys.includes(key));
  for (const [key, child] of entries) {
    const finding = walk(child, [...path, key], skipKeys, seen);
    if (finding) return finding;
  }
  return null;
}

export function findPersonalData(
  value: unknown,
  basePath = '',
  skipKeys: string[] = DEFAULT_SKIP_KEYS
): PersonalDataFinding | null {
  const finding = walk(value, basePath ? basePath.split('.') : [], skipKeys, new WeakSet());
  return finding ? { kind: finding.kind, path: finding.path.join('.') } : null;
}

export function assertNoPersonalData(data: unknown): void {
  const finding = walk(data, [], DEFAULT_SKIP_KEYS, new WeakSet());
  if (!finding) return;
  // The matched text is deliberately left out of the message so it never reaches responses or logs.
  const field = finding.path.join('.') || 'value';
  const message = `${field} contains ${KIND_LABEL[finding.kind]}; student identities must never be stored`;
  throw new errors.ValidationError(message, {
    errors: [{ path: finding.path, message, name: 'ValidationError' }],
  });
}
