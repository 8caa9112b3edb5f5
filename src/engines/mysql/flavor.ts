// The two servers this engine speaks to differ in limits, authentication syntax and catalog layout; every such
// difference is decided here from the flavor, so the builders and catalog readers stay free of version sniffing.
import type { mysqlAuthPlugins } from '../../apis/database-user.ts';
import { UnsupportedError } from '../engine.ts';

export type Flavor = 'mysql' | 'mariadb';
export type AuthPlugin = (typeof mysqlAuthPlugins)[number];

/** Longest user (and role) name: mysql.user.User is CHAR(32) on MySQL 8 and CHAR(80) on MariaDB. */
export const userNameMaxLength: Readonly<Record<Flavor, number>> = { mysql: 32, mariadb: 80 };

const pluginsByFlavor: Readonly<Record<Flavor, readonly AuthPlugin[]>> = {
  mysql: ['mysql_native_password', 'caching_sha2_password', 'sha256_password'],
  mariadb: ['mysql_native_password', 'ed25519'],
};

/** Refuses a plugin the flavor does not have, before any statement is sent. */
export function checkAuthPlugin(flavor: Flavor, plugin: AuthPlugin | undefined): void {
  if (plugin === undefined || pluginsByFlavor[flavor].includes(plugin)) return;
  const supported = pluginsByFlavor[flavor].join(', ');
  throw new UnsupportedError(`auth plugin ${plugin} is not available on ${flavor}; use one of ${supported}`);
}

export function flavorOf(engine: string): Flavor {
  if (engine === 'mysql' || engine === 'mariadb') return engine;
  throw new UnsupportedError(`the mysql engine cannot serve a ${engine} instance`);
}
