// Reads canonical privilege strings (see privileges.ts atomText) back into atoms, so that what a grant
// applied earlier, kept in status, can be revoked. A string the provider did not write is refused.
import type { Atom, DefaultObjectType, GrantObject } from './privileges.ts';

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  fail(): never {
    throw new Error(`not a canonical privilege: ${JSON.stringify(this.text)}`);
  }

  accept(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  expect(word: string): void {
    if (!this.accept(word)) this.fail();
  }

  match(pattern: RegExp): string {
    pattern.lastIndex = this.pos;
    const m = pattern.exec(this.text);
    if (m === null) this.fail();
    this.pos += m[0].length;
    return m[0];
  }

  name(): string {
    if (this.text[this.pos] !== '"') return this.match(/[a-z_][a-z0-9_]*/y);
    return this.match(/"(?:[^"]|"")*"/y)
      .slice(1, -1)
      .replaceAll('""', '"');
  }
}

const suffix = ' WITH GRANT OPTION';

function defaultObject(c: Cursor): GrantObject {
  const objectType = c.match(/TABLES|SEQUENCES|FUNCTIONS|TYPES|SCHEMAS/y) as DefaultObjectType;
  const schema = c.accept(' IN SCHEMA ') ? c.name() : undefined;
  c.expect(' FOR ROLE ');
  const forRole = c.name();
  return schema === undefined
    ? { type: 'DEFAULT', objectType, forRole }
    : { type: 'DEFAULT', objectType, forRole, schema };
}

function functionObject(c: Cursor, end: number): GrantObject {
  const schema = c.name();
  c.expect('.');
  const name = c.name();
  c.expect('(');
  if (c.text[end - 1] !== ')' || end - 1 < c.pos) c.fail();
  const args = c.text.slice(c.pos, end - 1);
  c.pos = end;
  return { type: 'FUNCTION', schema, name, args };
}

function object(c: Cursor, end: number): GrantObject {
  const type = c.match(/DATABASE|SCHEMA|TABLE|SEQUENCE|FUNCTION|DEFAULT/y);
  c.expect(' ');
  switch (type) {
    case 'DATABASE':
    case 'SCHEMA':
      return { type, name: c.name() };
    case 'TABLE':
    case 'SEQUENCE': {
      const schema = c.name();
      c.expect('.');
      return { type, schema, name: c.name() };
    }
    case 'FUNCTION':
      return functionObject(c, end);
    default:
      return defaultObject(c);
  }
}

const inDatabase = / IN DATABASE ([a-z_][a-z0-9_]*|"(?:[^"]|"")*")$/;

export function parseAtom(text: string): Atom {
  const grantable = text.endsWith(suffix);
  const body = grantable ? text.slice(0, -suffix.length) : text;
  const scoped = inDatabase.exec(body);
  const end = scoped === null ? body.length : scoped.index;
  const c = new Cursor(text);
  const privilege = c.match(/[A-Z]+/y);
  c.expect(' ON ');
  const parsed = object(c, end);
  if (c.pos !== end) c.fail();
  if (parsed.type === 'DATABASE') {
    if (scoped !== null) c.fail();
    return { privilege, object: parsed, grantable, database: parsed.name };
  }
  const quoted = scoped?.[1];
  if (quoted === undefined) return c.fail();
  const database = quoted.startsWith('"') ? quoted.slice(1, -1).replaceAll('""', '"') : quoted;
  return { privilege, object: parsed, grantable, database };
}
