// PostgreSQL role attributes shared by DatabaseUser (a LOGIN role) and DatabaseRole (a NOLOGIN role).
import { sqlName, timestamp } from './names.ts';
import { bool, int, mapOf, opt, rules, setOf, str } from './schema.ts';

export function postgresRoleAttributes() {
  return {
    inherit: bool('INHERIT: the role uses the privileges of roles it is a member of.', { default: true }),
    superuser: bool('SUPERUSER.', { default: false }),
    createDB: bool('CREATEDB: the role can create databases.', { default: false }),
    createRole: bool('CREATEROLE: the role can create roles.', { default: false }),
    replication: bool('REPLICATION: the role can start streaming replication.', { default: false }),
    bypassRLS: bool('BYPASSRLS: the role bypasses row-level security policies.', { default: false }),
    connectionLimit: int('Most concurrent connections of the role; -1 means no limit.', {
      minimum: -1,
      default: -1,
    }),
    inRoles: opt(
      setOf(
        sqlName('A role name.'),
        'Roles this role is a member of (GRANT role TO this). Removing one revokes it.',
        {
          maxItems: 64,
        },
      ),
    ),
    configParameters: opt(
      mapOf(
        str('Parameter value.', { maxLength: 1024 }),
        'Session defaults for the role (ALTER ROLE … SET name = value), e.g. search_path or statement_timeout. ' +
          'Removing one resets it.',
        {
          maxProperties: 64,
          ...rules({
            rule: "self.all(k, k.size() <= 63 && k.matches('^[A-Za-z_][A-Za-z0-9_.]*$'))",
            message: 'parameter names are identifiers such as search_path or auto_explain.log_min_duration',
          }),
        },
      ),
    ),
  };
}

export function postgresLoginAttributes() {
  return {
    login: bool('LOGIN: the role can log in.', { default: true }),
    ...postgresRoleAttributes(),
    validUntil: opt(timestamp('VALID UNTIL: when the password stops being valid; leave out for never.')),
  };
}
