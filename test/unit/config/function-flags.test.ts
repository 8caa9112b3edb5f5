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
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      assert.deepEqual(parseFunctionFlags(tc.argv, tc.env ?? {}), { kind: 'config', config: tc.want });
    });
  }

  const refusals: { argv: string[]; says: RegExp }[] = [
    { argv: [], says: /--tls-certs-dir .* is required unless --insecure/ },
    { argv: ['--insecure', '--log-format', 'xml'], says: /--log-format must be one of json, text/ },
    { argv: ['--insecure', '--port', '1'], says: /--port/ },
  ];
  for (const tc of refusals) {
    it(`refuses ${tc.argv.join(' ') || 'no TLS and no --insecure'}`, () => {
      assert.throws(() => parseFunctionFlags(tc.argv, {}), tc.says);
    });
  }

  it('answers --help with the usage', () => {
    const parsed = parseFunctionFlags(['--help'], {});
    assert.equal(parsed.kind, 'help');
  });
});
