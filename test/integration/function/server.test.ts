// The function's gRPC server on the wire: mTLS as Crossplane uses it (client certificate required and
// verified), both protocol packages, Struct round trips, the entrypoint's refusal to serve without TLS
// settings, and graceful shutdown.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { createLogger } from '../../../src/log/logger.ts';
import { runAppDatabase } from '../../../src/function/app-database/run.ts';
import { startFunctionServer, type FunctionServer } from '../../../src/function/server.ts';
import { createCertificateAuthority } from '../../harness/pki.ts';
import { functionClient, startFunctionProcess } from '../../harness/function.ts';
import { readFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'dbops-function-tls-'));
const ca = createCertificateAuthority(join(dir, 'ca'));
const otherCa = createCertificateAuthority(join(dir, 'other-ca'), 'someone-else');
const server = ca.issue('server', {
  commonName: 'function-dbops',
  usage: 'server',
  hosts: ['localhost', '127.0.0.1'],
});
const crossplane = ca.issue('crossplane', { commonName: 'crossplane', usage: 'client' });
const stranger = otherCa.issue('stranger', { commonName: 'crossplane', usage: 'client' });
const certsDir = join(dir, 'tls-server');
mkdirSync(certsDir);
writeFileSync(join(certsDir, 'tls.crt'), readFileSync(server.cert));
writeFileSync(join(certsDir, 'tls.key'), readFileSync(server.key));
writeFileSync(join(certsDir, 'ca.crt'), readFileSync(ca.caCert));

const read = (file: string) => readFileSync(file);
const clientCredentials = (cert?: { cert: string; key: string }, trust = ca.caCert) =>
  cert === undefined
    ? grpc.credentials.createSsl(read(trust))
    : grpc.credentials.createSsl(read(trust), read(cert.key), read(cert.cert));

const request = {
  meta: { tag: 'wire-1' },
  observed: {
    composite: {
      resource: {
        apiVersion: 'platform.example.org/v1alpha1',
        kind: 'AppDatabase',
        metadata: { name: 'orders', namespace: 'team-a' },
        spec: {
          engine: 'postgres',
          instanceRef: { name: 'pg-main' },
          users: [{ name: 'app', privileges: null }],
        },
      },
    },
  },
  requiredResources: { 'database-instance': { items: [] } },
};

describe('function server with mTLS', () => {
  let running: FunctionServer;
  let address: string;
  before(async () => {
    const logger = createLogger({ level: 'error', format: 'json' });
    running = await startFunctionServer(runAppDatabase, {
      address: '127.0.0.1:0',
      tls: { certsDir },
      logger,
    });
    address = `localhost:${String(running.port)}`;
  });
  after(async () => {
    await running.stop(1_000);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const pkg of ['apiextensions.fn.proto.v1', 'apiextensions.fn.proto.v1beta1'] as const) {
    it(`answers a client with Crossplane's client certificate on ${pkg}`, async () => {
      const client = functionClient(address, clientCredentials(crossplane), pkg);
      try {
        const response = await client.run(request);
        assert.equal(response.meta.tag, 'wire-1');
        assert.equal(response.meta.ttl, '60s');
        assert.deepEqual(Object.keys(response.desired?.resources ?? {}).sort(), [
          'database',
          'grant-app',
          'user-app',
        ]);
      } finally {
        client.close();
      }
    });
  }

  const refused: { name: string; credentials: () => grpc.ChannelCredentials }[] = [
    { name: 'a client without a certificate', credentials: () => clientCredentials() },
    { name: 'a client whose certificate another CA signed', credentials: () => clientCredentials(stranger) },
    { name: 'a plaintext client', credentials: () => grpc.credentials.createInsecure() },
  ];
  for (const tc of refused) {
    it(`refuses ${tc.name}`, async () => {
      const client = functionClient(address, tc.credentials());
      try {
        await assert.rejects(client.run(request, 3_000), (err: grpc.ServiceError) => {
          assert.notEqual(err.code, grpc.status.OK);
          return true;
        });
      } finally {
        client.close();
      }
    });
  }
});

describe('function entrypoint', () => {
  it('refuses to start without --tls-certs-dir or --insecure, saying so', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/function/main.ts'], {
      encoding: 'utf8',
      env: { ...process.env, TLS_SERVER_CERTS_DIR: '' },
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--tls-certs-dir \(or TLS_SERVER_CERTS_DIR\) is required unless --insecure/);
  });

  it('serves plaintext with --insecure and stops on SIGTERM', async () => {
    const fn = await startFunctionProcess(['--insecure']);
    const client = functionClient(fn.address, grpc.credentials.createInsecure());
    try {
      const response = await client.run({ meta: { tag: 'x' } });
      assert.equal(response.meta.tag, 'x');
      assert.match(response.results?.[0]?.message ?? '', /spec\.instanceRef: is required/);
    } finally {
      client.close();
      await fn.stop();
    }
    assert.equal(await fn.process.exited, 0);
  });
});
