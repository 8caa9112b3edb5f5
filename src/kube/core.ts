// The core (v1) types the provider reads and writes besides its own kinds.
import type { KubeObject, ResourceType } from './api.ts';

export const secretType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
};

export const namespaceType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};

export interface Secret extends KubeObject {
  type?: string;
  /** Values are base64, as the API server returns them. */
  data?: Record<string, string>;
}

/** The decoded value of one key, or undefined when the key is absent. */
export function secretValue(secret: Secret, key: string): string | undefined {
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}
