// Proves the database servers the tests use are real and that the harness's admin login is a provisioning
// account, not a superuser: it can create and drop databases but not do what only a superuser can.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { useTestEnvironment, type TestEnvironment } from '../harness/environment.ts';

let env: TestEnvironment;
before(async () => {
  env = await useTestEnvironment();
});

describe('real PostgreSQL', () => {
  it('lets the non-superuser admin create and drop a database over TCP with a password', async () => {
    const client = new pg.Client({ ...env.postgres.admin, database: 'postgres' });
    await client.connect();
    try {
      const { rows } = await client.query<{
        rolsuper: boolean;
        rolcreatedb: boolean;
        rolcreaterole: boolean;
      }>('SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user');
      assert.deepEqual(rows[0], { rolsuper: false, rolcreatedb: true, rolcreaterole: true });
      const name = `smoke_${String(process.pid)}`;
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      assert.equal(found.rowCount, 1);
      await client.query(`DROP DATABASE ${client.escapeIdentifier(name)}`);
      const gone = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      assert.equal(gone.rowCount, 0);
      await assert.rejects(
        client.query('ALTER SYSTEM SET work_mem = 1024'),
        /permission denied|must be superuser/,
      );
    } finally {
      await client.end();
    }
  });

  it('refuses a wrong password', async () => {
    const client = new pg.Client({ ...env.postgres.admin, password: 'wrong', database: 'postgres' });
    await assert.rejects(client.connect(), /password authentication failed/);
  });
});

describe('real MariaDB', () => {
  it('lets the non-SUPER admin create and drop a database over TCP with a password', async () => {
    const conn = await mysql.createConnection({ ...env.mariadb.admin });
    try {
      const [version] = await conn.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
      assert.match(String(version[0]?.['v']), /MariaDB/);
      const [grants] = await conn.query<mysql.RowDataPacket[]>('SHOW GRANTS');
      const text = grants.map((row) => String(Object.values(row)[0])).join('\n');
      assert.match(text, /CREATE USER/);
      assert.doesNotMatch(text, /\bSUPER\b|ALL PRIVILEGES/);
      const name = `smoke_${String(process.pid)}`;
      await conn.query(`CREATE DATABASE ${conn.escapeId(name)}`);
      const [found] = await conn.query<mysql.RowDataPacket[]>('SHOW DATABASES LIKE ?', [name]);
      assert.equal(found.length, 1);
      await conn.query(`DROP DATABASE ${conn.escapeId(name)}`);
      const [gone] = await conn.query<mysql.RowDataPacket[]>('SHOW DATABASES LIKE ?', [name]);
      assert.equal(gone.length, 0);
      await assert.rejects(conn.query('SHUTDOWN'), /denied|privilege/i);
    } finally {
      await conn.end();
    }
  });

  it('refuses a wrong password', async () => {
    await assert.rejects(
      mysql.createConnection({ ...env.mariadb.admin, password: 'wrong' }),
      /Access denied/,
    );
  });
});
