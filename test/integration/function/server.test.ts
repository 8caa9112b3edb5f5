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
import { runAppDatabase } from '../../../src/function/app-database/run.ts';
import { startFunctionServer, type FunctionServer } from '../../../src/function/server.ts';
import { createCertificateAuthority, selfSignedClient } from '../../harness/pki.ts';
import { functionClient, startFunctionProcess } from '../../harness/function.ts';
import { recordingLogger } from '../../fakes/logger.ts';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { eventually } from '../../harness/wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'dbops-function-tls-'));
const ca = createCertificateAuthority(join(dir, 'ca'));
const otherCa = createCertificateAuthority(join(dir, 'other-ca'), 'someone-else');
const server = ca.issue('server', {
  commonName: 'function-dbops',
  usage: 'server',
  hosts: ['localhost', '127.0.0.1'],
});
// Shaped as Crossplane core's own client certificate (the CA's subject, no key identifiers), which OpenSSL alone
// takes for self-signed; and one shaped as other tools issue them, with a subject of its own.
const crossplane = ca.issue('crossplane', {
  commonName: 'crossplane',
  usage: 'client',
  likeCrossplane: true,
});
const distinct = ca.issue('distinct', { commonName: 'crossplane', usage: 'client' });
const stranger = otherCa.issue('stranger', {
  commonName: 'crossplane',
  usage: 'client',
  likeCrossplane: true,
});
const expired = ca.issue('expired', { commonName: 'crossplane', usage: 'client', expired: true });
const serverOnly = ca.issue('server-only', { commonName: 'crossplane', usage: 'server' });
const nameless = selfSignedClient(join(dir, 'hostile'), 'nameless', '/');
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
  const { logger, entries } = recordingLogger();
  const refusalsLogged = () =>
    entries.filter((e) => e.msg === 'refused a function client').map((e) => String(e.fields['reason']));
  before(async () => {
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

  const accepted = [
    { name: "Crossplane core's client certificate", cert: crossplane, pkg: 'apiextensions.fn.proto.v1' },
    { name: "Crossplane core's client certificate", cert: crossplane, pkg: 'apiextensions.fn.proto.v1beta1' },
    {
      name: 'a client certificate with a subject of its own',
      cert: distinct,
      pkg: 'apiextensions.fn.proto.v1',
    },
  ] as const;
  for (const tc of accepted) {
    it(`answers a client with ${tc.name} on ${tc.pkg}`, async () => {
      const client = functionClient(address, clientCredentials(tc.cert), tc.pkg);
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

  // reason: what the server's warning says, for refusals made after the handshake (a plaintext client never
  // completes one).
  const refused: { name: string; credentials: () => grpc.ChannelCredentials; reason?: RegExp }[] = [
    {
      name: 'a client without a certificate',
      credentials: () => clientCredentials(),
      reason: /no client certificate/,
    },
    {
      name: 'a client whose certificate another CA signed',
      credentials: () => clientCredentials(stranger),
      reason: /not signed by a CA in ca\.crt/,
    },
    {
      name: 'a client whose certificate has expired',
      credentials: () => clientCredentials(expired),
      reason: /not valid now/,
    },
    {
      name: 'a client whose certificate is for servers only',
      credentials: () => clientCredentials(serverOnly),
      reason: /not for client authentication/,
    },
    {
      name: 'a client whose self-signed certificate has an empty subject (once enough to crash the server)',
      credentials: () => clientCredentials(nameless),
      reason: /the client certificate "" is not signed/,
    },
    { name: 'a plaintext client', credentials: () => grpc.credentials.createInsecure() },
  ];
  for (const tc of refused) {
    it(`refuses ${tc.name}`, async () => {
      const before = refusalsLogged().length;
      const client = functionClient(address, tc.credentials());
      try {
        await assert.rejects(client.run(request, 3_000), (err: grpc.ServiceError) => {
          assert.equal(err.code, grpc.status.UNAVAILABLE);
          return true;
        });
      } finally {
        client.close();
      }
      const reasons = refusalsLogged().slice(before);
      if (tc.reason === undefined) assert.deepEqual(reasons, []);
      else assert.match(reasons[0] ?? '(no refusal logged)', tc.reason);
    });
  }

  it('still answers Crossplane after every refusal above', async () => {
    const client = functionClient(address, clientCredentials(crossplane));
    try {
      assert.equal((await client.run(request)).meta.tag, 'wire-1');
    } finally {
      client.close();
    }
  });

  it('closes a connection that never finishes its handshake', async () => {
    const strict = await startFunctionServer(runAppDatabase, {
      address: '127.0.0.1:0',
      tls: { certsDir },
      logger,
      handshakeTimeoutMs: 300,
    });
    const socket = connect(strict.port, '127.0.0.1');
    socket.on('error', () => undefined);
    try {
      await eventually('the server to close the idle connection', () => socket.closed || undefined, 10_000);
    } finally {
      socket.destroy();
      await strict.stop(1_000);
    }
  });
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
