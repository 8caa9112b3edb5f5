// GRANT / REVOKE statements for one grantee (an account or a role). Privileges on the same object go into one
// statement; column privileges of one table go into one statement with their column lists.
import { grantOption, objectKey, type Privilege, type Target } from '../privileges.ts';
import { grantDatabase, id } from './quote.ts';

/**
 * The ON clause. Only the database level treats `_` and `%` as wildcards, so only it escapes them; a row read
 * back with its name verbatim (a wildcard pattern given by hand) is addressed verbatim, to revoke that row.
 */
export function onClause(target: Target): string {
  switch (target.level) {
    case 'global':
      return '*.*';
    case 'database':
      return `${target.wildcard === true ? id(target.database) : grantDatabase(target.database)}.*`;
    case 'table':
    case 'column':
      return `${id(target.database)}.${id(target.table)}`;
    case 'procedure':
    case 'function':
      return `${target.level.toUpperCase()} ${id(target.database)}.${id(target.routine)}`;
  }
}

interface Group {
  target: Target;
  /** privilege → columns (empty for non-column privileges) */
  privileges: Map<string, string[]>;
}

function groupByObject(privileges: readonly Privilege[]): Group[] {
  const groups = new Map<string, Group>();
  for (const p of privileges) {
    const key = objectKey(p.target) + (p.target.level === 'column' ? ' (columns)' : '');
    const group = groups.get(key) ?? { target: p.target, privileges: new Map<string, string[]>() };
    groups.set(key, group);
    const columns = group.privileges.get(p.privilege) ?? [];
    if (p.target.level === 'column') columns.push(p.target.column);
    group.privileges.set(p.privilege, columns);
  }
  return [...groups.values()];
}

function privilegeList(group: Group, includeGrantOption: boolean): string[] {
  return [...group.privileges].flatMap(([privilege, columns]) => {
    if (privilege === grantOption && !includeGrantOption) return [];
    return [columns.length === 0 ? privilege : `${privilege} (${columns.map(id).join(', ')})`];
  });
}

/** GRANT statements giving `grantee` these privileges. GRANT OPTION alone becomes USAGE … WITH GRANT OPTION. */
export function grantSql(grantee: string, privileges: readonly Privilege[]): string[] {
  return groupByObject(privileges).map((group) => {
    const list = privilegeList(group, false);
    const withGrant = group.privileges.has(grantOption) ? ' WITH GRANT OPTION' : '';
    const what = list.length === 0 ? 'USAGE' : list.join(', ');
    return `GRANT ${what} ON ${onClause(group.target)} TO ${grantee}${withGrant}`;
  });
}

/** REVOKE statements taking these privileges (GRANT OPTION included) from `grantee`. */
export function revokeSql(grantee: string, privileges: readonly Privilege[]): string[] {
  return groupByObject(privileges).map(
    (group) => `REVOKE ${privilegeList(group, true).join(', ')} ON ${onClause(group.target)} FROM ${grantee}`,
  );
}
