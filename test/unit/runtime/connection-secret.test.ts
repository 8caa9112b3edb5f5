import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  connectionSecretType,
  mergedSecretData,
  secretUpdate,
  SecretOwnershipError,
} from '../../../src/runtime/connection-secret.ts';
import type { ManagedResource } from '../../../src/runtime/managed.ts';

const mg: ManagedResource = {
  apiVersion: 'dbops.dbprovision.io/v1alpha1',
  kind: 'DatabaseUser',
  metadata: { name: 'app', namespace: 'ns', uid: 'uid-1' },
  spec: { forProvider: {}, writeConnectionSecretToRef: { name: 'app-conn' } },
};
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const controller = (uid: string) => [{ apiVersion: 'v1', kind: 'X', name: 'x', uid, controller: true }];

describe('mergedSecretData', () => {
  const cases: Record<
    string,
    { current?: Record<string, string>; add: Record<string, string>; want?: Record<string, string> }
  > = {
    'adds keys to an empty Secret': { add: { password: 'p' }, want: { password: b64('p') } },
    'keeps keys it does not return (connection details are additive)': {
      current: { extra: b64('e') },
      add: { password: 'p' },
      want: { extra: b64('e'), password: b64('p') },
    },
    'overwrites a key it returns again': {
      current: { password: b64('old') },
      add: { password: 'new' },
      want: { password: b64('new') },
    },
    'reports no change when every value is already there': {
      current: { password: b64('p') },
      add: { password: 'p' },
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const details = Object.fromEntries(Object.entries(tc.add).map(([k, v]) => [k, Buffer.from(v)]));
      assert.deepEqual(mergedSecretData(tc.current, details), tc.want);
    });
  }
});

describe('secretUpdate', () => {
  const details = { password: Buffer.from('p') };
  it('adopts an uncontrolled Secret of the connection type', () => {
    const updated = secretUpdate(
      { metadata: { name: 'app-conn' }, type: connectionSecretType, data: {} },
      mg,
      details,
    );
    assert.equal(updated?.metadata.ownerReferences?.[0]?.uid, 'uid-1');
    assert.equal(updated.metadata.ownerReferences[0].controller, true);
  });
  it('changes nothing when it controls the Secret and the data is current', () => {
    const secret = {
      metadata: { name: 'app-conn', ownerReferences: controller('uid-1') },
      data: { password: b64('p') },
    };
    assert.equal(secretUpdate(secret, mg, details), undefined);
  });
  it('refuses an uncontrolled Secret of another type', () => {
    assert.throws(
      () => secretUpdate({ metadata: { name: 'app-conn' }, type: 'Opaque' }, mg, details),
      (err: unknown) =>
        err instanceof SecretOwnershipError && /refusing to modify uncontrolled secret/.test(err.message),
    );
  });
  it('refuses a Secret controlled by another resource', () => {
    assert.throws(
      () =>
        secretUpdate({ metadata: { name: 'app-conn', ownerReferences: controller('uid-2') } }, mg, details),
      /not controlled by UID uid-1/,
    );
  });
});
