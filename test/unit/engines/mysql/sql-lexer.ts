// A small MySQL lexer for the tests: it splits a statement the way the server would (backtick identifiers with
// doubled backticks, single-quoted strings with backslash escapes, words, punctuation) and decodes the quoted
// tokens, so a test can check that a hostile value came out as exactly one quoted token holding that value.

export type Token =
  | { kind: 'id'; value: string }
  | { kind: 'str'; value: string }
  | { kind: 'word'; value: string }
  | { kind: 'punct'; value: string };

const escapes: Record<string, string> = { '0': '\0', b: '\b', t: '\t', n: '\n', r: '\r', Z: '\x1a' };

function readQuoted(sql: string, start: number, quote: string, backslash: boolean): [string, number] {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= sql.length) throw new Error(`unterminated ${quote} at ${start}: ${sql}`);
    const c = sql[i]!;
    if (backslash && c === '\\') {
      const next = sql[i + 1] ?? '';
      value += escapes[next] ?? next;
      i += 2;
    } else if (c === quote && sql[i + 1] === quote) {
      value += quote;
      i += 2;
    } else if (c === quote) {
      return [value, i + 1];
    } else {
      value += c;
      i += 1;
    }
  }
}

export function lex(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === ' ') {
      i += 1;
    } else if (c === '`') {
      const [value, end] = readQuoted(sql, i, '`', false);
      tokens.push({ kind: 'id', value });
      i = end;
    } else if (c === "'") {
      const [value, end] = readQuoted(sql, i, "'", true);
      tokens.push({ kind: 'str', value });
      i = end;
    } else if (/[A-Za-z0-9_]/.test(c)) {
      const word = /^[A-Za-z0-9_]+/.exec(sql.slice(i))![0];
      tokens.push({ kind: 'word', value: word });
      i += word.length;
    } else {
      tokens.push({ kind: 'punct', value: c });
      i += 1;
    }
  }
  return tokens;
}

/** The statement's shape: words and punctuation as they are, quoted tokens as ID / STR placeholders. */
export function shape(tokens: readonly Token[]): string {
  return tokens.map((t) => (t.kind === 'id' ? 'ID' : t.kind === 'str' ? 'STR' : t.value)).join(' ');
}

/** The decoded values of the quoted tokens, in order. */
export function quoted(tokens: readonly Token[]): string[] {
  return tokens.filter((t) => t.kind === 'id' || t.kind === 'str').map((t) => t.value);
}
