// DatabaseRole: a PostgreSQL NOLOGIN role or a MySQL 8 / MariaDB role, a named set of privileges that
// DatabaseGrant grants to and users are made members of. The role name is the crossplane.io/external-name
// annotation (defaulting to metadata.name).
import { type Static } from 'typebox';
import { managedBy, managedPhases, managedSpec, managedStatus, resourceSchema } from './common.ts';
import { postgresRoleAttributes } from './postgres-role.ts';
import { instanceReferenceFields, instanceReferenceRules } from './references.ts';
import { obj, opt, rules } from './schema.ts';

export const DatabaseRoleParameters = obj(
  {
    ...instanceReferenceFields(),
    postgres: opt(
      obj(
        postgresRoleAttributes(),
        'PostgreSQL role attributes, for roles on a postgres instance. The role is always NOLOGIN; use a ' +
          'DatabaseUser for a role that logs in.',
      ),
    ),
  },
  'Desired state of a DatabaseRole. The role name on the server is the crossplane.io/external-name annotation, ' +
    'which defaults to metadata.name. Privileges are granted to it with DatabaseGrant (roleRef).',
  rules(...instanceReferenceRules),
);

export const DatabaseRole = resourceSchema(
  'A role on a DatabaseInstance: a PostgreSQL NOLOGIN role or a MySQL/MariaDB role (CREATE ROLE).',
  managedSpec(DatabaseRoleParameters, 'Desired state of the DatabaseRole.'),
  managedStatus(
    obj({ managedBy }, 'Observed state of the role; the conditions say whether it exists.'),
    managedPhases,
    'Observed state of the DatabaseRole.',
  ),
);
export type DatabaseRole = Static<typeof DatabaseRole>;
export type DatabaseRoleParameters = Static<typeof DatabaseRoleParameters>;
