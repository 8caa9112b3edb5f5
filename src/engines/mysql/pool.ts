// One mysql2 pool per instance. Every statement of every reconcile goes through it, so the number of server
// connections the provider holds is bounded by maxConnections whatever the number of resources.
import { connect, type Socket } from 'node:net';
import { createPool, type Pool, type PoolOptions } from 'mysql2/promise';
import type { ConnectionSettings } from '../engine.ts';
import { route, sslOptions, type Route } from './tls.ts';

/** Connections idle longer than this are closed, so a quiet provider holds no server slots. */
const idleTimeoutMs = 60_000;

// mysql2 escapes values with backslashes; under NO_BACKSLASH_ESCAPES a backslash would end a quoted password
// early. Removing that mode from every session keeps escaping and server in agreement.
export const sessionSetupSql =
  "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))";

/**
 * Opens the TCP socket of one connection when the pool, not mysql2, must (tls.ts says why): as mysql2 opens
 * its own, without delay and with keep-alive. An IP the certificate must carry is recorded as the socket's
 * host name, which Node's tls.connect checks when there is no TLS server name; Node leaves it unset for an IP.
 */
export function socketOpener(socket: NonNullable<Route['socket']>): () => Socket {
  return () => {
    const tcp = connect({ host: socket.host, port: socket.port, noDelay: true, keepAlive: true });
    if (socket.checkedName !== undefined) Object.assign(tcp, { _host: socket.checkedName });
    return tcp;
  };
}

/** The mapping from settings to mysql2 pool options (tested on its own); the socket opener is its one function. */
export function poolOptions(settings: ConnectionSettings): PoolOptions {
  const ssl = sslOptions(settings.tls);
  const { driverHost, socket } = route(settings);
  return {
    host: driverHost,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    connectTimeout: settings.connectTimeoutMs,
    connectionLimit: settings.maxConnections,
    maxIdle: settings.maxConnections,
    idleTimeout: idleTimeoutMs,
    waitForConnections: true,
    queueLimit: 0,
    // One statement per query() call: a quoting mistake can never chain a second statement.
    multipleStatements: false,
    supportBigNumbers: true,
    ...(settings.charset === undefined ? {} : { charset: settings.charset }),
    ...(ssl === undefined ? {} : { ssl }),
    ...(socket === undefined ? {} : { stream: socketOpener(socket) }),
  };
}

export function openPool(settings: ConnectionSettings): Pool {
  const pool = createPool(poolOptions(settings));
  // The core pool's event hands out the callback connection: its query is queued before anything the pool
  // lends out runs on it. A connection whose session cannot be set up is destroyed rather than used.
  pool.pool.on('connection', (connection) => {
    connection.query(sessionSetupSql, (err) => {
      if (err) connection.destroy();
    });
  });
  return pool;
}
