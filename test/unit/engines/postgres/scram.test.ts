// SCRAM-SHA-256 verifiers and the SASLprep in front of them. Known answers come from RFC 7677's example
// exchange and from PostgreSQL 15 itself (the verifier it stored in pg_authid for a password given in plain
// text); the integration test compares with a live server and logs in with libpq.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { inTable, saslPrep } from '../../../../src/engines/postgres/saslprep.ts';
import {
  newScramVerifier,
  scramIterations,
  scramKeys,
  scramVerifier,
} from '../../../../src/engines/postgres/scram.ts';
import { prohibited, rightToLeft, unassigned } from '../../../../src/engines/postgres/stringprep-tables.ts';

const verifierPattern = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

/** The salt and iteration count a verifier was made with, to make it again. */
function parametersOf(verifier: string): { salt: Buffer; iterations: number } {
  const m = verifierPattern.exec(verifier);
  assert.ok(m, `not a SCRAM-SHA-256 verifier: ${verifier}`);
  return { salt: Buffer.from(m[2] ?? '', 'base64'), iterations: Number(m[1]) };
}

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();

describe('SCRAM-SHA-256 keys', () => {
  it('match RFC 7677’s example exchange (user "user", password "pencil")', () => {
    // The RFC publishes messages, not keys: a server holding StoredKey and ServerKey must accept its client
    // proof and send its server signature (RFC 5802 §3).
    const { storedKey, serverKey } = scramKeys(
      'pencil',
      Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
      4096,
    );
    const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const authMessage = [
      'n=user,r=rOprNGfwEbeRWgbNEkqO',
      `r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`,
      `c=biws,r=${nonce}`,
    ].join(',');
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const clientSignature = hmac(storedKey, authMessage);
    const clientKey = Buffer.from(proof.map((b, i) => b ^ (clientSignature[i] ?? 0)));
    assert.deepEqual(createHash('sha256').update(clientKey).digest(), storedKey);
    assert.equal(
      hmac(serverKey, authMessage).toString('base64'),
      '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
  });

  it('refuse parameters PostgreSQL would not parse', () => {
    const salt = Buffer.from('salt');
    assert.throws(() => scramKeys('pw', salt, 0), RangeError);
    assert.throws(() => scramKeys('pw', salt, 1.5), RangeError);
    assert.throws(() => scramKeys('pw', Buffer.alloc(0), 4096), RangeError);
  });
});

describe('SCRAM-SHA-256 verifiers', () => {
  // Each verifier is what PostgreSQL 15 stored for the password given in plain text (read from pg_authid).
  const fromPostgres: { password: string; verifier: string; why: string }[] = [
    {
      password: 'pencil',
      verifier:
        'SCRAM-SHA-256$4096:/bxBlf68io+iuSJEBMf/mw==$XBJTA8LgjIy5uX0aEDGpu4aWzV8B8D9c4UqsrelZ4aw=:na8UJrgR128q/Lau6d9vBnKVwFCw6GM4aKqd9X0g0yg=',
      why: 'plain ASCII, as every generated password is',
    },
    {
      password: `pw'"\\; x`,
      verifier:
        'SCRAM-SHA-256$4096:MMrQ60ccfE9uTQO6cfC/5g==$Sv/va25zhmOhTOQUJgOOuJlur9kiZfS6MunPpQwLQ0Q=:cfT+FN3WK0RfWT/0hmadGmuGya88zvSE1Ix1o4siKd0=',
      why: 'quotes and a backslash are hashed as they are, not as SQL would escape them',
    },
    {
      password: '\uFB01re\u2163',
      verifier:
        'SCRAM-SHA-256$4096:kP1tm/r2zKBsjebHSVAxXQ==$Xk71lDR6sUrTByw2jD1a96I+lf6WBaO8TYk4ALhSOWU=:KHeHWro3PzQS3AE4GmPgbgI4KBKpLZhFcRG7sjuM2h4=',
      why: 'NFKC applies (the ligature and the Roman numeral become "fireIV")',
    },
    {
      password: 'pass\u00ADword\u00A0\u200Bx',
      verifier:
        'SCRAM-SHA-256$4096:5kaEc9soqUeO2ASZYAIVDg==$USkfFGcKGsOr94FzrsRKKNMDCxRQAlonvGfn6YqcuRc=:81ECuqJ/tdgRJw3z7BINW22rxbeHpDUpqbQRS8UnXUE=',
      why: 'a soft hyphen is mapped to nothing, non-ASCII spaces to U+0020',
    },
    {
      password: '\uFB01\u{1F600}',
      verifier:
        'SCRAM-SHA-256$4096:63EdLiE9NPveb9p/w34yQw==$CDg+BWOJmIeEu6zxwEU22YKnpH/IjziaLmPQ6Pscg1M=:t3YSearc625AyCgr1I7hoay7ChnODeguXqWI8lE5yFA=',
      why: 'a character Unicode 3.2 did not assign makes PostgreSQL hash the raw text, ligature and all',
    },
    {
      password: '\uFB1D',
      verifier:
        'SCRAM-SHA-256$4096:b+m6QwPzcBVLDlit5/F66Q==$Z7TfCY88QrgDVrES7MK5NoqSH3QK1paBpyM0wflEg9U=:KP81l/TerxpGNT3Ki3OoqvKpYIbRhfoIY2wWaLBrzFI=',
      why: 'the bidi rule is checked before normalisation, as PostgreSQL does, not after as RFC 4013 says',
    },
    {
      password: '\uD800\uFB01',
      verifier:
        'SCRAM-SHA-256$4096:5mBJw8HenNxaeOAyMfwVyw==$Bj287rkUHZaQyROmbXSM2miqhXN/jSWmoatgD2TwXzc=:5jYevCfKLpjlf6r3sp9MuMnoihrwJcwZXlPqgEgsSaM=',
      why: 'a lone surrogate reaches the server as U+FFFD, which is prohibited, so the raw text is hashed',
    },
  ];

  for (const { password, verifier, why } of fromPostgres) {
    it(`are what PostgreSQL makes: ${why}`, () => {
      const { salt, iterations } = parametersOf(verifier);
      assert.equal(scramVerifier(password, salt, iterations), verifier);
    });
  }

  it('are made fresh with a 16-byte random salt and PostgreSQL’s 4096 iterations', () => {
    const first = newScramVerifier('pencil');
    const second = newScramVerifier('pencil');
    assert.notEqual(first, second);
    for (const verifier of [first, second]) {
      const { salt, iterations } = parametersOf(verifier);
      assert.equal(salt.length, 16);
      assert.equal(iterations, scramIterations);
      assert.equal(scramVerifier('pencil', salt, iterations), verifier);
      assert.ok(!verifier.includes('pencil'));
    }
  });
});

describe('SASLprep as PostgreSQL applies it', () => {
  const cases: { input: string; want: string; why: string }[] = [
    {
      input: 'Ab9!$&()*+,-.;<=>?[]^_{|}~',
      want: 'Ab9!$&()*+,-.;<=>?[]^_{|}~',
      why: 'ASCII is used as it is',
    },
    { input: 'a\u0007b', want: 'a\u0007b', why: 'pure ASCII is never checked, control characters included' },
    { input: '\uFB01re\u2163', want: 'fireIV', why: 'NFKC' },
    { input: 'A\u030Angstro\u0308m', want: '\u00C5ngstr\u00F6m', why: 'NFKC composes' },
    { input: 'pass\u00ADword', want: 'password', why: 'B.1 (commonly mapped to nothing) is removed' },
    { input: 'a\u00A0b\u3000c', want: 'a b c', why: 'C.1.2 (non-ASCII space) becomes U+0020' },
    { input: '\u00E9\u200Bx', want: '\u00E9 x', why: 'U+200B is in C.1.2 and B.1: the space mapping wins' },
    { input: '\u00AD', want: '\u00AD', why: 'mapped to nothing at all: refused, so the raw text' },
    {
      input: '\uFB01\u0007',
      want: '\uFB01\u0007',
      why: 'a control character (C.2.1) outside pure ASCII: raw',
    },
    { input: '\uFB01\uE000', want: '\uFB01\uE000', why: 'private use (C.3): raw' },
    { input: '\uFB01\u{1F600}', want: '\uFB01\u{1F600}', why: 'unassigned in Unicode 3.2 (A.1): raw' },
    { input: '\uFB01\u05D0', want: '\uFB01\u05D0', why: 'L and R characters together: raw' },
    { input: '\uFB50\u0628\uFB50', want: '\u0671\u0628\u0671', why: 'R/AL first and last, no L: normalised' },
    {
      input: '\uFB50\u00B9',
      want: '\uFB50\u00B9',
      why: 'R/AL present but the last character is not R/AL: raw',
    },
    {
      input: '\uFB1D',
      want: '\u05D9\u05B4',
      why: 'bidi checked before NFKC, whose last character is not R/AL',
    },
    {
      input: '\uD800\uFB01',
      want: '\uFFFD\uFB01',
      why: 'a lone surrogate is U+FFFD on the wire, prohibited: raw',
    },
  ];

  for (const { input, want, why } of cases) {
    it(why, () => {
      assert.equal(saslPrep(input), want);
    });
  }
});

describe('stringprep tables', () => {
  const cases: { table: readonly number[]; code: number; want: boolean; why: string }[] = [
    { table: prohibited, code: 0x0000, want: true, why: 'the first code of the first range' },
    { table: prohibited, code: 0x001f, want: true, why: 'the last code of a range' },
    { table: prohibited, code: 0x0020, want: false, why: 'just after a range' },
    { table: prohibited, code: 0x10ffff, want: true, why: 'the last code of the last range' },
    { table: unassigned, code: 0x0221, want: true, why: 'a single-code range' },
    { table: unassigned, code: 0x0222, want: false, why: 'between ranges' },
    { table: unassigned, code: 0x1f600, want: true, why: 'an emoji, unassigned in Unicode 3.2' },
    { table: rightToLeft, code: 0x05d0, want: true, why: 'Hebrew alef' },
    { table: rightToLeft, code: 0x0041, want: false, why: 'below the first range' },
  ];

  for (const { table, code, want, why } of cases) {
    it(`U+${code.toString(16).toUpperCase().padStart(4, '0')}: ${why}`, () => {
      assert.equal(inTable(table, code), want);
    });
  }
});
