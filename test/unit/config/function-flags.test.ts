import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFunctionFlags } from '../../../src/config/function-flags.ts';

describe('parseFunctionFlags', () => {
  const cases: { name: string; argv: string[]; env?: NodeJS.ProcessEnv; want: object }[] = [
    {
      name: 'certificates from the environment, as Crossplane mounts them',
      argv: [],
      env: { TLS_SERVER_CERTS_DIR: '/tls/server' },
      want: { address: '0.0.0.0:9443', tls: { certsDir: '/tls/server' }, debug: false, logFormat: 'json' },
    },
    {
      name: 'the flag wins over the environment',
      argv: ['--tls-certs-dir', '/certs'],
      env: { TLS_SERVER_CERTS_DIR: '/tls/server' },
      want: { address: '0.0.0.0:9443', tls: { certsDir: '/certs' }, debug: false, logFormat: 'json' },
    },
    {
      name: '--insecure wins over certificates (crossplane render passes it)',
      argv: [
        '--insecure',
        '--tls-certs-dir',
        '/certs',
        '-d',
        '--address',
        '127.0.0.1:9443',
        '--log-format',
        'text',
      ],
      want: { address: '127.0.0.1:9443', tls: 'insecure', debug: true, logFormat: 'text' },
    },
    {
      name: 'LOG_FORMAT, the variable the provider reads too',
      argv: ['--insecure'],
      env: { LOG_FORMAT: 'text' },
      want: { address: '0.0.0.0:9443', tls: 'insecure', debug: false, logFormat: 'text' },
    },
    {
      name: '--insecure=false keeps TLS on',
      argv: ['--insecure=false', '--tls-certs-dir=/certs'],
      want: { address: '0.0.0.0:9443', tls: { certsDir: '/certs' }, debug: false, logFormat: 'json' },
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      assert.deepEqual(parseFunctionFlags(tc.argv, tc.env ?? {}), { kind: 'config', config: tc.want });
    });
  }

  const refusals: { argv: string[]; says: RegExp }[] = [
    { argv: [], says: /--tls-certs-dir .* is required unless --insecure/ },
    // The provider's wording, now that both parse with one table: the flag, its variable, the choices, the value.
    {
      argv: ['--insecure', '--log-format', 'xml'],
      says: /--log-format \(\$LOG_FORMAT\): want one of json, text, got "xml"/,
    },
    { argv: ['--insecure', '--port', '1'], says: /--port/ },
  ];
  for (const tc of refusals) {
    it(`refuses ${tc.argv.join(' ') || 'no TLS and no --insecure'}`, () => {
      assert.throws(() => parseFunctionFlags(tc.argv, {}), tc.says);
    });
  }

  it('reads an empty TLS_SERVER_CERTS_DIR as unset', () => {
    assert.throws(
      () => parseFunctionFlags([], { TLS_SERVER_CERTS_DIR: '' }),
      /--tls-certs-dir .* is required unless --insecure/,
    );
  });

  it('answers --help with the usage', () => {
    const parsed = parseFunctionFlags(['--help'], {});
    assert.equal(parsed.kind, 'help');
  });
});
