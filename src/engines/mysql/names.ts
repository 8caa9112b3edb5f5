// Names are checked before any statement is built. Quoting already makes every string safe inside SQL; these
// rules exist because names also arrive through the external-name annotation, which the CRD cannot validate,
// and because the server would otherwise fail late (or silently truncate) on over-long names.
import { InvalidNameError } from '../engine.ts';
import { userNameMaxLength, type Flavor } from './flavor.ts';

/** MySQL limits database, table, column and routine names to 64 characters. */
export const objectNameMaxLength = 64;
/** mysql.user.Host is 255 characters on both flavors. */
export const hostMaxLength = 255;

// Letters and digits of any script, `_`, `$`, and `.`/`-` after the first character: what the CRD allows for
// SQL names, widened to Unicode letters. No quotes, backslashes, spaces or control characters.
const namePattern = /^[\p{L}\p{N}_$][\p{L}\p{N}_$.-]*$/u;
// Host names, IP addresses, netmasks and the % and _ patterns (the CRD's allowedHosts pattern).
const hostPattern = /^[A-Za-z0-9%_.:/-]+$/;
// Charset and collation names are always lower-case ASCII words.
const charsetPattern = /^[a-z0-9_]{1,64}$/;

function check(kind: string, value: string, maxLength: number, pattern: RegExp): void {
  if (value.length === 0) throw new InvalidNameError(`${kind} name must not be empty`);
  if (Array.from(value).length > maxLength) {
    throw new InvalidNameError(`${kind} name "${value}" is longer than ${maxLength} characters`);
  }
  if (!pattern.test(value)) {
    throw new InvalidNameError(
      `${kind} name ${JSON.stringify(value)} may contain only letters, digits, _, $, . and - (and must not start with . or -)`,
    );
  }
}

export function checkDatabaseName(name: string): void {
  check('database', name, objectNameMaxLength, namePattern);
}

/** Tables, columns, procedures and functions. */
export function checkObjectName(kind: string, name: string): void {
  check(kind, name, objectNameMaxLength, namePattern);
}

export function checkUserName(flavor: Flavor, name: string): void {
  check('user', name, userNameMaxLength[flavor], namePattern);
}

/** Roles share the user-name column; NONE and PUBLIC are reserved role names on both flavors. */
export function checkRoleName(flavor: Flavor, name: string): void {
  check('role', name, userNameMaxLength[flavor], namePattern);
  if (/^(none|public)$/i.test(name)) throw new InvalidNameError(`role name "${name}" is reserved`);
}

export function checkHost(host: string): void {
  if (host.length > hostMaxLength) {
    throw new InvalidNameError(`host "${host}" is longer than ${hostMaxLength} characters`);
  }
  if (!hostPattern.test(host)) {
    throw new InvalidNameError(
      `host ${JSON.stringify(host)} may contain only letters, digits and . : / - % _`,
    );
  }
}

export function checkCharset(kind: 'charset' | 'collation', value: string): void {
  if (!charsetPattern.test(value)) {
    throw new InvalidNameError(`${kind} ${JSON.stringify(value)} must be lower-case letters, digits and _`);
  }
}
