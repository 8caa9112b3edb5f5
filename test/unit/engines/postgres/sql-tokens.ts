// A small PostgreSQL lexer for the quoting tests: replaces every quoted identifier with I and every string
// literal ('…' or E'…') with L, so what is left is the statement's skeleton. If a value ever escaped its
// quotes, the skeleton would change.
export function skeleton(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql.charAt(i);
    if (ch === '"') {
      i = skipQuoted(sql, i + 1, '"', false);
      out += 'I';
    } else if (
      ch === "'" ||
      ((ch === 'E' || ch === 'e') && sql[i + 1] === "'" && !/\w/.test(sql[i - 1] ?? ''))
    ) {
      const backslashes = ch !== "'";
      i = skipQuoted(sql, i + (backslashes ? 2 : 1), "'", backslashes);
      out += 'L';
    } else {
      out += ch;
      i += 1;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** Returns the index after the closing quote; throws on an unterminated token. */
function skipQuoted(sql: string, start: number, quote: string, backslashes: boolean): number {
  let i = start;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashes && ch === '\\') i += 2;
    else if (ch === quote && sql[i + 1] === quote) i += 2;
    else if (ch === quote) return i + 1;
    else i += 1;
  }
  throw new Error(`unterminated ${quote} in ${sql}`);
}
