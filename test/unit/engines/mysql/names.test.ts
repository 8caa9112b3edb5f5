// Name rules checked before any statement, per flavor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidNameError, UnsupportedError } from '../../../../src/engines/engine.ts';
import { checkAuthPlugin, flavorOf } from '../../../../src/engines/mysql/flavor.ts';
import {
  checkCharset,
  checkDatabaseName,
  checkHost,
  checkObjectName,
  checkRoleName,
  checkUserName,
} from '../../../../src/engines/mysql/names.ts';

describe('names', () => {
  it('accepts ordinary names', () => {
    for (const name of ['shop', 'my_app-1', 'a.b', '2fa', 'café', '$x', 'd'.repeat(64)]) {
      checkDatabaseName(name);
      checkObjectName('table', name);
    }
  });

  it('refuses hostile and over-long names', () => {
    for (const name of ['', "a'b", 'a`b', 'a b', 'a\\b', 'a;b', 'a\0b', '-a', '.a', 'a/*', 'd'.repeat(65)]) {
      assert.throws(
        () => {
          checkDatabaseName(name);
        },
        InvalidNameError,
        JSON.stringify(name),
      );
    }
  });

  it('limits user names per flavor: 32 on MySQL 8, 80 on MariaDB', () => {
    checkUserName('mysql', 'u'.repeat(32));
    assert.throws(() => {
      checkUserName('mysql', 'u'.repeat(33));
    }, /longer than 32/);
    checkUserName('mariadb', 'u'.repeat(80));
    assert.throws(() => {
      checkUserName('mariadb', 'u'.repeat(81));
    }, /longer than 80/);
  });

  it('refuses reserved role names', () => {
    for (const name of ['NONE', 'public'])
      assert.throws(() => {
        checkRoleName('mariadb', name);
      }, /reserved/);
    checkRoleName('mysql', 'readers');
  });

  it('checks hosts', () => {
    for (const host of ['%', '10.0.0.%', '10.0.0.0/255.0.0.0', 'localhost', '::1', 'app_host'])
      checkHost(host);
    for (const host of ["a'b", 'a b', 'h`', 'x'.repeat(256), ''])
      assert.throws(() => {
        checkHost(host);
      }, InvalidNameError);
  });

  it('checks charsets and collations', () => {
    checkCharset('charset', 'utf8mb4');
    assert.throws(() => {
      checkCharset('collation', "utf8'");
    }, InvalidNameError);
  });
});

describe('flavor', () => {
  const cases: ['mysql' | 'mariadb', Parameters<typeof checkAuthPlugin>[1], boolean][] = [
    ['mysql', 'caching_sha2_password', true],
    ['mysql', 'sha256_password', true],
    ['mysql', 'mysql_native_password', true],
    ['mysql', 'ed25519', false],
    ['mariadb', 'ed25519', true],
    ['mariadb', 'mysql_native_password', true],
    ['mariadb', 'caching_sha2_password', false],
    ['mariadb', 'sha256_password', false],
    ['mariadb', undefined, true],
  ];
  for (const [flavor, plugin, ok] of cases) {
    it(`${flavor} ${String(plugin)}: ${ok ? 'accepted' : 'refused'}`, () => {
      if (ok) checkAuthPlugin(flavor, plugin);
      else
        assert.throws(() => {
          checkAuthPlugin(flavor, plugin);
        }, UnsupportedError);
    });
  }

  it('serves mysql and mariadb instances only', () => {
    assert.equal(flavorOf('mariadb'), 'mariadb');
    assert.throws(() => flavorOf('postgres'), UnsupportedError);
  });
});
