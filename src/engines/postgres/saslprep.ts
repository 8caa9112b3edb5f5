// SASLprep (RFC 4013) the way PostgreSQL's pg_saslprep (src/common/saslprep.c) applies it to a password before
// hashing it for SCRAM, on the server and in libpq alike. A verifier made here from the same text must be the
// one the server would have made, or psql and libpq-based clients could not log in with it.
import {
  leftToRight,
  mappedToNothing,
  nonAsciiSpace,
  prohibited,
  rightToLeft,
  unassigned,
} from './stringprep-tables.ts';

/** Whether `code` lies in `table` (sorted inclusive [first, last] pairs, flattened): a binary search. */
export function inTable(table: readonly number[], code: number): boolean {
  let low = 0;
  let high = table.length / 2 - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const first = table[2 * mid] ?? 0;
    const last = table[2 * mid + 1] ?? 0;
    if (code < first) high = mid - 1;
    else if (code > last) low = mid + 1;
    else return true;
  }
  return false;
}

/** Step 1: non-ASCII spaces become U+0020 (checked first, as PostgreSQL does: U+200B is in both tables). */
function mapCodePoints(codes: readonly number[]): number[] {
  return codes.flatMap((c) => (inTable(nonAsciiSpace, c) ? [0x20] : inTable(mappedToNothing, c) ? [] : [c]));
}

/**
 * Steps 3 and 4: prohibited or unassigned code points, and RFC 3454 §6's bidi rule (a string with an R/AL
 * character has no L character and starts and ends with R/AL). PostgreSQL checks the mapped text before
 * normalisation, not the normalised output RFC 4013 names, and so does this.
 */
function isProhibited(codes: readonly number[]): boolean {
  if (codes.some((c) => inTable(prohibited, c) || inTable(unassigned, c))) return true;
  if (!codes.some((c) => inTable(rightToLeft, c))) return false;
  if (codes.some((c) => inTable(leftToRight, c))) return true;
  return !inTable(rightToLeft, codes[0] ?? 0) || !inTable(rightToLeft, codes.at(-1) ?? 0);
}

/**
 * The text PostgreSQL hashes for `password`: pure ASCII unchanged; otherwise mapped and NFKC-normalised, or
 * unchanged again when SASLprep prohibits it (PostgreSQL then hashes the raw bytes rather than refuse).
 *
 * Invalid UTF-8, PostgreSQL's other fallback, cannot occur here: the text is first made what the driver puts on
 * the wire (UTF-8, lone surrogates as U+FFFD, which is prohibited). NFKC comes from the runtime's Unicode
 * version, not PostgreSQL's: they agree on every character Unicode 3.2 assigned (all were compared with
 * PostgreSQL 15), and a character it did not assign is prohibited, so its text is never normalised.
 */
export function saslPrep(password: string): string {
  const text = Buffer.from(password, 'utf8').toString('utf8');
  if (/^\p{ASCII}*$/u.test(text)) return text;
  const mapped = mapCodePoints(Array.from(text, (ch) => ch.codePointAt(0) ?? 0));
  // An empty result is refused too ("don't allow empty password"), so a password of only B.1 stays as it is.
  if (mapped.length === 0 || isProhibited(mapped)) return text;
  return mapped
    .map((c) => String.fromCodePoint(c))
    .join('')
    .normalize('NFKC');
}
