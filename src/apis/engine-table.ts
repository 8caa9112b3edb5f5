// Every fact about an engine that code outside src/engines needs, in one table keyed by engine name: the
// compiler checks it is complete (`satisfies Record<Engine, …>`), so adding an engine to `engines` lists
// every decision to make here, and nowhere else falls into another engine's branch. The engine code itself
// lives in src/engines/<family>/; src/resources/instance/engines.ts maps each name to its factory.
import { mysqlPrivileges, postgresPrivileges } from './privileges.ts';

export const engines = ['postgres', 'mysql', 'mariadb'] as const;
export type Engine = (typeof engines)[number];

/** The forProvider block of engine-specific settings an engine reads (`postgres: {…}` or `mysql: {…}`). */
export type SettingsBlock = 'postgres' | 'mysql';

type TlsModeWords = Record<'disable' | 'require' | 'verify-ca' | 'verify-full', string>;

export interface EngineFacts {
  /** Where the engine's code lives and which settings block its objects carry. */
  settingsBlock: SettingsBlock;
  defaultPort: number;
  /** Scheme of the connection URI published in a user's Secret. */
  uriScheme: string;
  /** The URI query parameter that asks for TLS, and its value for each mode. */
  uriTls: { parameter: string; modes: TlsModeWords };
  /** Privileges a grant may give on a whole database. */
  databasePrivileges: readonly string[];
  /** What the composition function gives a user on its database when nothing says. */
  defaultDatabasePrivileges: readonly string[];
  /**
   * Accounts exist once per host and get the password when created (MySQL/MariaDB): a changed host list
   * means setting the password before the other attributes.
   */
  passwordPerHost: boolean;
}

const postgres: EngineFacts = {
  settingsBlock: 'postgres',
  defaultPort: 5432,
  uriScheme: 'postgresql',
  // libpq's sslmode has the instance's four words.
  uriTls: {
    parameter: 'sslmode',
    modes: { disable: 'disable', require: 'require', 'verify-ca': 'verify-ca', 'verify-full': 'verify-full' },
  },
  databasePrivileges: postgresPrivileges.database,
  defaultDatabasePrivileges: ['CONNECT', 'TEMPORARY'],
  passwordPerHost: false,
};

const mysql: EngineFacts = {
  settingsBlock: 'mysql',
  defaultPort: 3306,
  uriScheme: 'mysql',
  // MySQL's own spelling (mysql --ssl-mode, MySQL Shell, Connector/J).
  uriTls: {
    parameter: 'ssl-mode',
    modes: {
      disable: 'DISABLED',
      require: 'REQUIRED',
      'verify-ca': 'VERIFY_CA',
      'verify-full': 'VERIFY_IDENTITY',
    },
  },
  databasePrivileges: mysqlPrivileges.database,
  defaultDatabasePrivileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  passwordPerHost: true,
};

export const engineFacts = { postgres, mysql, mariadb: mysql } as const satisfies Record<Engine, EngineFacts>;

/** The engines whose objects carry `block`. */
export function enginesWith(block: SettingsBlock): Engine[] {
  return engines.filter((engine) => engineFacts[engine].settingsBlock === block);
}
