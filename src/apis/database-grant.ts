// DatabaseGrant: privileges and role memberships of one grantee (a DatabaseUser or DatabaseRole) on one
// DatabaseInstance, optionally within one database. Privileges are allow-listed per object level, so a typo is
// refused by the API server instead of reaching SQL; privileges removed from the spec are revoked.
import { type Static, type TSchema } from 'typebox';
import { managedPhases, managedSpec, managedStatus, resourceSchema } from './common.ts';
import { sqlName } from './names.ts';
import { mysqlPrivileges, postgresPrivileges } from './privileges.ts';
import {
  fixedReference,
  instanceReferenceFields,
  instanceReferenceRules,
  namespacedReference,
  namespacedSelector,
} from './references.ts';
import {
  anyPresent,
  bool,
  enumOf,
  exactlyOneOf,
  immutable,
  listMapOf,
  listOf,
  obj,
  opt,
  rules,
  setOf,
  str,
  type CelRule,
} from './schema.ts';

const withGrantOption = bool('WITH GRANT OPTION: the grantee may grant these privileges to others.', {
  default: false,
});

function privileges<const V extends readonly string[]>(allowed: V, level: string) {
  return setOf(enumOf(allowed, `A privilege on ${level}.`), `Privileges on ${level}.`, {
    minItems: 1,
    maxItems: allowed.length,
  });
}

/** A privilege set on one object, e.g. the target database. */
function onObject<const V extends readonly string[]>(allowed: V, level: string, description: string) {
  return obj({ privileges: privileges(allowed, level), withGrantOption }, description);
}

/** Privilege sets on named objects, one item per name. */
function onNamed<const V extends readonly string[]>(allowed: V, level: string, description: string) {
  return listMapOf(
    obj(
      { name: sqlName(`Name of the ${level}.`), privileges: privileges(allowed, level), withGrantOption },
      `Privileges on one ${level}.`,
    ),
    ['name'],
    description,
    { maxItems: 256 },
  );
}

/** Privileges on objects of one type in a schema: listed by name, or all of them (ALL … IN SCHEMA). */
function inSchema<const V extends readonly string[], N extends TSchema>(
  allowed: V,
  plural: string,
  names: N,
) {
  return obj(
    {
      schema: sqlName('Schema of the objects.', { default: 'public' }),
      names: opt(setOf(names, `Names of the ${plural}.`, { minItems: 1, maxItems: 256 })),
      allInSchema: bool(
        `Grant on all ${plural} in the schema (GRANT … ON ALL ${plural.toUpperCase()} IN SCHEMA): those existing now; use defaultPrivileges for future ones.`,
        { default: false },
      ),
      privileges: privileges(allowed, plural),
      withGrantOption,
    },
    `Privileges on ${plural} in one schema.`,
    rules({
      rule: 'has(self.names) != self.allInSchema',
      message: 'list names or set allInSchema: true, not both',
    }),
  );
}

const defaultPrivilegeTypes = ['tables', 'sequences', 'functions', 'types', 'schemas'] as const;

const allDefaultPrivileges = [
  ...new Set([
    ...postgresPrivileges.table,
    ...postgresPrivileges.sequence,
    ...postgresPrivileges.function,
    ...postgresPrivileges.type,
    ...postgresPrivileges.schema,
  ]),
];

/** CEL: the privileges of a default-privilege entry fit its objectType. */
function defaultPrivilegeRule(
  objectType: (typeof defaultPrivilegeTypes)[number],
  allowed: readonly string[],
): CelRule {
  const list = allowed.map((p) => `'${p}'`).join(', ');
  return {
    rule: `self.objectType != '${objectType}' || self.privileges.all(p, p in [${list}])`,
    message: `privileges on ${objectType} are ${allowed.join(', ')}`,
    fieldPath: '.privileges',
  };
}

const DefaultPrivilege = obj(
  {
    forRole: sqlName(
      'The role whose future objects get the privileges (FOR ROLE); objects created by other roles are unaffected.',
    ),
    schema: opt(
      sqlName(
        'Only objects created in this schema (IN SCHEMA); leave out for the whole database. Not allowed for objectType schemas.',
      ),
    ),
    objectType: enumOf(defaultPrivilegeTypes, 'Type of the future objects.'),
    privileges: setOf(
      enumOf(allDefaultPrivileges, 'A privilege; which ones apply depends on objectType.'),
      'Privileges granted on each future object.',
      {
        minItems: 1,
        maxItems: allDefaultPrivileges.length,
      },
    ),
    withGrantOption,
  },
  'ALTER DEFAULT PRIVILEGES FOR ROLE forRole [IN SCHEMA schema] GRANT privileges ON objectType TO the grantee.',
  rules(
    defaultPrivilegeRule('tables', postgresPrivileges.table),
    defaultPrivilegeRule('sequences', postgresPrivileges.sequence),
    defaultPrivilegeRule('functions', postgresPrivileges.function),
    defaultPrivilegeRule('types', postgresPrivileges.type),
    defaultPrivilegeRule('schemas', postgresPrivileges.schema),
    {
      rule: "self.objectType != 'schemas' || !has(self.schema)",
      message: 'default privileges on schemas cannot be limited to a schema',
    },
  ),
);

const functionSignature = str(
  'A function, optionally with its argument types to pick one overload, e.g. "refresh_totals" or "add(integer, integer)".',
  {
    minLength: 1,
    maxLength: 512,
    pattern: '^[A-Za-z0-9_][A-Za-z0-9_$.-]*(\\(.*\\))?$',
  },
);

const PostgresGrant = obj(
  {
    database: opt(
      onObject(
        postgresPrivileges.database,
        'the database',
        'Privileges on the target database itself (GRANT … ON DATABASE).',
      ),
    ),
    schemas: opt(
      onNamed(postgresPrivileges.schema, 'schema', 'Privileges on schemas of the target database.'),
    ),
    tables: opt(
      listOf(
        inSchema(postgresPrivileges.table, 'tables', sqlName('A table (or view) name.')),
        'Privileges on tables and views. MAINTAIN needs PostgreSQL 17 or later.',
        { maxItems: 64 },
      ),
    ),
    sequences: opt(
      listOf(
        inSchema(postgresPrivileges.sequence, 'sequences', sqlName('A sequence name.')),
        'Privileges on sequences.',
        { maxItems: 64 },
      ),
    ),
    functions: opt(
      listOf(
        inSchema(postgresPrivileges.function, 'functions', functionSignature),
        'Privileges on functions.',
        { maxItems: 64 },
      ),
    ),
    defaultPrivileges: opt(
      listOf(DefaultPrivilege, 'Privileges on objects created later by a given role.', { maxItems: 64 }),
    ),
  },
  'PostgreSQL privileges within the target database.',
);

const MysqlGrant = obj(
  {
    global: opt(
      onObject(
        mysqlPrivileges.global,
        'the server',
        'Privileges on everything (GRANT … ON *.*). Needs no database.',
      ),
    ),
    database: opt(
      onObject(
        mysqlPrivileges.database,
        'the database',
        'Privileges on the target database (GRANT … ON db.*).',
      ),
    ),
    tables: opt(
      onNamed(
        mysqlPrivileges.table,
        'table',
        'Privileges on tables of the target database (GRANT … ON db.table).',
      ),
    ),
    columns: opt(
      listOf(
        obj(
          {
            table: sqlName('Table of the columns.'),
            columns: setOf(sqlName('A column name.'), 'Columns the privileges apply to.', {
              minItems: 1,
              maxItems: 256,
            }),
            privileges: privileges(mysqlPrivileges.column, 'columns'),
          },
          'Privileges on columns of one table (GRANT privilege (columns) ON db.table).',
        ),
        'Privileges on columns of tables of the target database.',
        { maxItems: 64 },
      ),
    ),
    procedures: opt(
      onNamed(
        mysqlPrivileges.routine,
        'procedure',
        'Privileges on stored procedures of the target database.',
      ),
    ),
    functions: opt(
      onNamed(mysqlPrivileges.routine, 'function', 'Privileges on stored functions of the target database.'),
    ),
  },
  'MySQL and MariaDB privileges. On MySQL/MariaDB the grantee is every account user@host of the user.',
);

const MemberOf = obj(
  {
    role: sqlName('The role granted (GRANT role TO grantee).'),
    withAdminOption: bool('WITH ADMIN OPTION: the grantee may grant this role to others.', {
      default: false,
    }),
  },
  'A role membership.',
);

const grantee = ['user', 'userRef', 'userSelector'];
const granteeRole = ['role', 'roleRef', 'roleSelector'];
const target = ['database', 'databaseRef', 'databaseSelector'];
const mysqlInDatabase = ['database', 'tables', 'columns', 'procedures', 'functions'].map((f) => `mysql.${f}`);

/** A name resolved from a reference, kept once set. */
function resolvedName(description: string, field: string) {
  return sqlName(description, rules(immutable(field)));
}

export const DatabaseGrantParameters = obj(
  {
    ...instanceReferenceFields(),
    user: opt(
      resolvedName(
        'Grantee user name on the server; filled from userRef/userSelector when those are used.',
        'user',
      ),
    ),
    userRef: opt(
      namespacedReference('DatabaseUser', 'The DatabaseUser to grant to; its external name fills user.', [
        fixedReference('userRef'),
      ]),
    ),
    userSelector: opt(namespacedSelector('DatabaseUser', 'userRef')),
    role: opt(
      resolvedName(
        'Grantee role name on the server; filled from roleRef/roleSelector when those are used.',
        'role',
      ),
    ),
    roleRef: opt(
      namespacedReference('DatabaseRole', 'The DatabaseRole to grant to; its external name fills role.', [
        fixedReference('roleRef'),
      ]),
    ),
    roleSelector: opt(namespacedSelector('DatabaseRole', 'roleRef')),
    database: opt(
      resolvedName(
        'Database the privileges are in; filled from databaseRef/databaseSelector when those are used.',
        'database',
      ),
    ),
    databaseRef: opt(
      namespacedReference(
        'Database',
        'The Database the privileges are in; its external name fills database.',
        [fixedReference('databaseRef')],
      ),
    ),
    databaseSelector: opt(namespacedSelector('Database', 'databaseRef')),
    memberOf: opt(
      listMapOf(MemberOf, ['role'], 'Roles the grantee becomes a member of. Removing one revokes it.', {
        maxItems: 64,
      }),
    ),
    postgres: opt(PostgresGrant),
    mysql: opt(MysqlGrant),
  },
  'Desired state of a DatabaseGrant: one grantee (user or role), on one instance, optionally in one database. ' +
    'Privileges removed from here are revoked on the server; deleting the grant revokes all of them.',
  rules(
    ...instanceReferenceRules,
    exactlyOneOf(
      [grantee, granteeRole],
      'set one grantee: user, userRef or userSelector; or role, roleRef or roleSelector',
    ),
    {
      rule: anyPresent(['memberOf', 'postgres', 'mysql']),
      message: 'grant something: memberOf, postgres or mysql',
    },
    {
      rule: '!(has(self.postgres) && has(self.mysql))',
      message: 'set postgres or mysql privileges, not both',
    },
    {
      rule: `!has(self.postgres) || ${anyPresent(target)}`,
      message: 'postgres privileges need a database: set database, databaseRef or databaseSelector',
    },
    {
      rule: `!has(self.mysql) || !(${anyPresent(mysqlInDatabase)}) || ${anyPresent(target)}`,
      message:
        'mysql privileges other than global need a database: set database, databaseRef or databaseSelector',
    },
    ...['user', 'role', 'database'].map((f) => ({
      rule: `!has(oldSelf.${f}) || has(self.${f})`,
      message: `${f} cannot be removed once set`,
    })),
  ),
);

export const DatabaseGrantObservation = obj(
  {
    memberOf: opt(setOf(str('A role.'), 'Role memberships this grant applied.', { maxItems: 64 })),
    privileges: opt(
      setOf(
        str('A privilege in canonical form, e.g. "SELECT ON TABLE public.orders".'),
        'Privileges this grant applied, as last written to the server: what the provider revokes when they leave the spec.',
        {
          maxItems: 4096,
        },
      ),
    ),
  },
  'Observed state of the grant.',
);

export const DatabaseGrant = resourceSchema(
  'Privileges and role memberships of a DatabaseUser or DatabaseRole on a DatabaseInstance.',
  managedSpec(DatabaseGrantParameters, 'Desired state of the DatabaseGrant.'),
  managedStatus(DatabaseGrantObservation, managedPhases, 'Observed state of the DatabaseGrant.'),
);
export type DatabaseGrant = Static<typeof DatabaseGrant>;
export type DatabaseGrantParameters = Static<typeof DatabaseGrantParameters>;
