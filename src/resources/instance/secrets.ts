// Reads the Secret keys a resource needs, each Secret once, with errors that name the Secret and key but
// never a value.
import type { KubeApi } from '../../kube/api.ts';
import { secretType, secretValue, type Secret } from '../../kube/core.ts';

export interface SecretKeyRef {
  name: string;
  key: string;
  /** Absent keys read as undefined instead of failing. */
  optional?: true;
}

export class MissingSecretError extends Error {
  override name = 'MissingSecretError';
}

/** The Secret, or MissingSecretError. */
export async function readSecret(kube: KubeApi, namespace: string, name: string): Promise<Secret> {
  const secret = await kube.get<Secret>(secretType, { namespace, name });
  if (secret === undefined) throw new MissingSecretError(`Secret ${namespace}/${name} not found`);
  return secret;
}

/** The decoded value of `key`, or MissingSecretError. */
export function requireKey(secret: Secret, key: string): string {
  const value = secretValue(secret, key);
  if (value === undefined) {
    const { namespace = '', name } = secret.metadata;
    throw new MissingSecretError(`Secret ${namespace}/${name} has no key ${key}`);
  }
  return value;
}

/** The values of `refs`, in order; throws MissingSecretError for a missing Secret or a missing required key. */
export async function readSecretKeys(
  kube: KubeApi,
  namespace: string,
  refs: readonly SecretKeyRef[],
): Promise<(string | undefined)[]> {
  const names = [...new Set(refs.map((r) => r.name))];
  const secrets = new Map(
    await Promise.all(names.map(async (name) => [name, await readSecret(kube, namespace, name)] as const)),
  );
  return refs.map(({ name, key, optional }) => {
    const secret = secrets.get(name) as Secret;
    return optional ? secretValue(secret, key) : requireKey(secret, key);
  });
}
