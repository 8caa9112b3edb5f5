// Generated passwords: uniformly random characters from node:crypto, with the spec's length and character
// options, always containing letters and digits so that common password policies accept them.
import { randomInt } from 'node:crypto';

export interface PasswordOptions {
  length?: number;
  includeSpecialChars?: boolean;
  excludeChars?: string;
}

const lower = 'abcdefghijklmnopqrstuvwxyz';
const upper = lower.toUpperCase();
const digits = '0123456789';
// No quote, backslash, slash, colon, @, % or # (they break URIs and shell-quoted connection strings), no space.
const special = '!$&()*+,-.;<=>?[]^_{|}~';

/** The characters a password may use under `options`; throws when exclusions leave none of a class. */
export function passwordAlphabet(options: PasswordOptions): string[] {
  const excluded = new Set(options.excludeChars ?? '');
  const classes = [lower, upper, digits, ...(options.includeSpecialChars === false ? [] : [special])];
  return classes.map((chars) => {
    const kept = Array.from(chars)
      .filter((c) => !excluded.has(c))
      .join('');
    if (kept.length === 0) throw new Error(`excludeChars removes every character of "${chars}"`);
    return kept;
  });
}

/** A new password: at least one character of each class, the rest from all of them, shuffled. */
export function generatePassword(options: PasswordOptions = {}): string {
  const classes = passwordAlphabet(options);
  const all = classes.join('');
  const length = Math.max(options.length ?? 32, classes.length);
  const chars = classes.map((c) => c.charAt(randomInt(c.length)));
  while (chars.length < length) chars.push(all.charAt(randomInt(all.length)));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return chars.join('');
}
