import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { loadClusterAccess } from '../../../src/kube/access.ts';

const dir = mkdtempSync(join(tmpdir(), 'dbops-access-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'ctx',
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443/', ...cluster } }],
    users: [{ name: 'u', user }],
  });
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('loadClusterAccess', () => {
  it('reads inline certificates and drops the trailing slash of the server', async () => {
    const access = await loadClusterAccess({
      fromString: kubeconfig(
        { 'certificate-authority-data': b64('CA') },
        { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
      ),
    });
    assert.equal(access.server, 'https://127.0.0.1:6443');
    const text = (value: unknown): string => (value instanceof Buffer ? value.toString() : 'not a buffer');
    assert.deepEqual(
      { ca: text(access.tls.ca), cert: text(access.tls.cert), key: text(access.tls.key) },
      { ca: 'CA', cert: 'CERT', key: 'KEY' },
    );
    assert.deepEqual(await access.headers(), {});
  });

  it('reads files relative to the kubeconfig, a token file, and the TLS switches', async () => {
    writeFileSync(join(dir, 'ca.crt'), 'FILE-CA');
    writeFileSync(join(dir, 'token'), 'file-token\n');
    const file = join(dir, 'config');
    writeFileSync(
      file,
      kubeconfig(
        {
          'certificate-authority': 'ca.crt',
          'insecure-skip-tls-verify': true,
          'tls-server-name': 'api.internal',
        },
        { tokenFile: join(dir, 'token') },
      ),
    );
    const access = await loadClusterAccess({ fromFile: file });
    assert.equal((access.tls.ca as Buffer).toString(), 'FILE-CA');
    assert.equal(access.tls.rejectUnauthorized, false);
    assert.equal(access.tls.servername, 'api.internal');
    assert.deepEqual(await access.headers(), { Authorization: 'Bearer file-token' });
  });

  it('sends a static token or basic credentials', async () => {
    const token = await loadClusterAccess({ fromString: kubeconfig({}, { token: 'abc' }) });
    assert.deepEqual(await token.headers(), { Authorization: 'Bearer abc' });
    const basic = await loadClusterAccess({ fromString: kubeconfig({}, { username: 'u', password: 'p' }) });
    assert.deepEqual(await basic.headers(), { Authorization: `Basic ${b64('u:p')}` });
  });

  it('hands an exec plugin to client-node, which runs it for the token', async () => {
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-exec' },
    });
    const access = await loadClusterAccess({
      fromString: kubeconfig(
        {},
        {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: process.execPath,
            args: ['-e', `process.stdout.write(${JSON.stringify(credential)})`],
            interactiveMode: 'Never',
          },
        },
      ),
    });
    assert.deepEqual(await access.headers(), { Authorization: 'Bearer from-exec' });
  });

  it('names what is missing', async () => {
    await assert.rejects(
      loadClusterAccess({ fromString: stringify({ 'current-context': 'none', contexts: [] }) }),
      /no context named none/,
    );
  });
});
