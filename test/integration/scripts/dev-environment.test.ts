// scripts/dev-environment.ts as the README tells users to run it: it prints a KUBECONFIG and the logins, then
// keeps the servers up until Ctrl-C, when it stops them and removes their directories.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { namespaceType } from '../../../src/kube/core.ts';
import { createKubeApi } from '../../../src/kube/client.ts';
import { eventually } from '../../harness/wait.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

describe('scripts/dev-environment.ts', () => {
  it('stays up after printing how to reach the servers, and stops everything on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-environment.ts'], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    try {
      await eventually(
        'the Ctrl-C line',
        () => lines.includes('Ctrl-C stops everything.') || undefined,
        120_000,
      );
      const kubeconfig = lines.find((l) => l.startsWith('KUBECONFIG='))?.slice('KUBECONFIG='.length) ?? '';
      const login = /^PostgreSQL [^:]*: ([^:]+):(.+)@([^@:]+):(\d+)$/.exec(
        lines.find((l) => l.startsWith('PostgreSQL')) ?? '',
      );
      assert.ok(login !== null, lines.join('\n'));
      // Both servers answer through what was printed, after the script has finished its start-up.
      const kube = await createKubeApi({ fromFile: kubeconfig });
      try {
        assert.notEqual(await kube.get(namespaceType, { name: 'default' }), undefined);
      } finally {
        kube.close();
      }
      const client = new pg.Client({
        user: login[1],
        password: login[2],
        host: login[3],
        port: Number(login[4]),
        database: 'postgres',
      });
      await client.connect();
      await client.end();
      assert.equal(child.exitCode, null, 'still running');
      child.kill('SIGINT');
      await exited;
      assert.equal(existsSync(dirname(kubeconfig)), false, 'the API server directory is removed');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
