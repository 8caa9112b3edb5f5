// Roles and memberships. A MariaDB role has no host and is named as an identifier; a MySQL 8 role is an account
// 'role'@'%'. Default roles differ too: MariaDB keeps one per account, MySQL can activate all granted roles.
import type { Flavor } from '../flavor.ts';
import { account, id, str } from './quote.ts';

/** The role as grantee or granted role in GRANT/REVOKE. */
export function roleSql(flavor: Flavor, role: string): string {
  return flavor === 'mariadb' ? id(role) : account(role, '%');
}

export function createRoleSql(flavor: Flavor, role: string): string {
  return `CREATE ROLE ${flavor === 'mariadb' ? str(role) : account(role, '%')}`;
}

export function dropRoleSql(flavor: Flavor, role: string): string {
  return `DROP ROLE IF EXISTS ${flavor === 'mariadb' ? str(role) : account(role, '%')}`;
}

export interface Membership {
  role: string;
  withAdminOption: boolean;
}

export function grantRoleSql(flavor: Flavor, membership: Membership, grantee: string): string {
  const admin = membership.withAdminOption ? ' WITH ADMIN OPTION' : '';
  return `GRANT ${roleSql(flavor, membership.role)} TO ${grantee}${admin}`;
}

export function revokeRoleSql(flavor: Flavor, role: string, grantee: string): string {
  return `REVOKE ${roleSql(flavor, role)} FROM ${grantee}`;
}

/**
 * Makes the granted roles active at login. MariaDB allows one default role per account, so the first (sorted)
 * becomes it; MySQL activates all of them.
 */
export function setDefaultRoleSql(flavor: Flavor, roles: readonly string[], userAccount: string): string {
  if (flavor === 'mysql') return `SET DEFAULT ROLE ${roles.length === 0 ? 'NONE' : 'ALL'} TO ${userAccount}`;
  const first = [...roles].sort()[0];
  return `SET DEFAULT ROLE ${first === undefined ? 'NONE' : id(first)} FOR ${userAccount}`;
}
