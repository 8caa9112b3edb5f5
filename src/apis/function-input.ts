// The composition function's Input: the `input` block of a Composition pipeline step that calls
// function-dbops. Its CRD only documents the shape (Crossplane does not install it); the function checks and
// defaults every Input with this same schema (src/function/app-database/input.ts), so the two cannot drift.
import { Type, type Static } from 'typebox';
import { engines } from './engine-table.ts';
import { namespaceName, objectName } from './names.ts';
import type { KindDefinition } from './registry.ts';
import { bool, enumOf, int, obj, opt, str } from './schema.ts';
import { envelope } from './common.ts';

export const functionInputGroup = 'function.dbops.dbprovision.io';

export const FunctionInput = obj(
  {
    ...envelope(),
    ttlSeconds: opt(
      int('How long Crossplane may reuse the response before calling again.', {
        minimum: 1,
        maximum: 86400,
        default: 60,
      }),
    ),
    defaults: opt(
      obj(
        {
          instanceRef: opt(
            obj(
              {
                name: objectName('Name of the DatabaseInstance.'),
                namespace: opt(namespaceName('Its namespace; defaults to the composite’s.')),
              },
              'The DatabaseInstance for composites that name none.',
            ),
          ),
          engine: opt(enumOf(engines, 'Engine assumed while the instance cannot be read.')),
          namespace: opt(
            namespaceName('Namespace for the resources of a cluster-scoped composite that has no claim.'),
          ),
          privileges: opt(
            Type.Array(str('A database-level privilege.'), {
              description:
                'Privileges for users that list none; without this, CONNECT and TEMPORARY on PostgreSQL, ' +
                'SELECT, INSERT, UPDATE and DELETE on MySQL and MariaDB.',
            }),
          ),
          deletionProtection: opt(
            bool('Protect databases from being dropped unless the composite says otherwise.', {
              default: false,
            }),
          ),
        },
        'Values used where a composite leaves a field out.',
        // {} so that the defaults inside it apply when the Input has no defaults block at all.
        { default: {} },
      ),
    ),
    naming: opt(
      obj(
        {
          databasePrefix: opt(
            str('Prepended to database names derived from the composite’s name.', {
              maxLength: 32,
              default: '',
            }),
          ),
          connectionSecretSuffix: opt(
            str('Appended to generated connection Secret names, e.g. -credentials.', {
              maxLength: 32,
              default: '',
            }),
          ),
        },
        'How names are derived.',
        { default: {} },
      ),
    ),
  },
  'Options of function-dbops, given as the input of a Composition pipeline step.',
);
export type FunctionInput = Static<typeof FunctionInput>;

export const functionInputDefinition: KindDefinition = {
  group: functionInputGroup,
  version: 'v1beta1',
  kind: 'Input',
  listKind: 'InputList',
  plural: 'inputs',
  singular: 'input',
  shortNames: [],
  namespaced: true,
  categories: [],
  printerColumns: [],
  schema: FunctionInput,
  managed: false,
  statusSubresource: false,
};
