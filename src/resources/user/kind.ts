// The DatabaseUser kind: a PostgreSQL login role or MySQL/MariaDB accounts, and its connection Secret. A
// non-superuser admin cannot read password hashes, so the password is tracked, not compared: a generated one
// lives in the connection Secret (and is set again if the Secret lost it); a given one is set again whenever
// its Secret's resourceVersion moves.
import type { DatabaseUser } from '../../apis/database-user.ts';
import { engineFacts } from '../../apis/engine-table.ts';
import { kinds } from '../../apis/registry.ts';
import type { KubeApi } from '../../kube/api.ts';
import { secretType, secretValue, type Secret } from '../../kube/core.ts';
import { formatTimestamp } from '../../runtime/annotations.ts';
import { checkSecretOwnership } from '../../runtime/connection-secret.ts';
import type { ConnectionDetails, ExternalClient } from '../../runtime/external.ts';
import type { ManagedKind } from '../../runtime/provider.ts';
import {
  observed,
  ownerKindOnInstance,
  serverName,
  type KindContext,
  type OnInstance,
  type OwnerOnInstance,
} from '../instance/dependant.ts';
import { accountReferences } from './account-references.ts';
import { readSecret, requireKey } from '../instance/secrets.ts';
import { serverPort } from '../instance/settings.ts';
import { connectionSecretData } from './connection-details.ts';
import { generatePassword } from './password.ts';

/** The password the user should have, and whether the server is known to have it already. */
interface PasswordPlan {
  password: string;
  inSync: boolean;
  /** resourceVersion of the passwordSecretRef Secret the password came from. */
  sourceVersion?: string;
  /** What the connection Secret is known to hold (read for the plan, or published since), when it is ours. */
  published?: ConnectionDetails;
}

/**
 * This user's connection Secret, if there is one. A Secret the user may not write (another object's, or not a
 * connection Secret) stops the reconcile here, before any password is made up and set on the server that
 * could never be published.
 */
async function ownConnectionSecret(kube: KubeApi, mg: DatabaseUser): Promise<Secret | undefined> {
  const ref = mg.spec.writeConnectionSecretToRef;
  if (ref === undefined) return undefined;
  const secret = await kube.get<Secret>(secretType, {
    namespace: mg.metadata.namespace ?? '',
    name: ref.name,
  });
  if (secret !== undefined) checkSecretOwnership(secret, mg);
  return secret;
}

async function planPassword(kube: KubeApi, mg: DatabaseUser): Promise<PasswordPlan> {
  const { passwordSecretRef, passwordGeneration } = mg.spec.forProvider;
  if (passwordSecretRef !== undefined) {
    const secret = await readSecret(kube, mg.metadata.namespace ?? '', passwordSecretRef.name);
    const sourceVersion = secret.metadata.resourceVersion ?? '';
    return {
      password: requireKey(secret, passwordSecretRef.key),
      inSync: mg.status?.atProvider?.passwordSecretVersion === sourceVersion,
      sourceVersion,
    };
  }
  const secret = await ownConnectionSecret(kube, mg);
  const password = secret && secretValue(secret, 'password');
  if (secret === undefined || password === undefined)
    return { password: generatePassword(passwordGeneration), inSync: false };
  // Controlled means controlled by this user (ownConnectionSecret checked); an uncontrolled one is adopted.
  const controlled = secret.metadata.ownerReferences?.some((ref) => ref.controller === true) ?? false;
  return controlled
    ? { password, inSync: true, published: secretDetails(secret) }
    : { password, inSync: true };
}

function secretDetails(secret: Secret): ConnectionDetails {
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  );
}

/**
 * The details to publish, or undefined when the Secret is known to hold them already: an idle poll then reads
 * the Secret once (for the plan), and the Observe that follows a create not at all.
 */
function detailsToPublish(plan: PasswordPlan, wanted: ConnectionDetails): ConnectionDetails | undefined {
  const known = plan.published;
  const held =
    known !== undefined && Object.entries(wanted).every(([key, value]) => known[key]?.equals(value));
  return held ? undefined : wanted;
}

function details(mg: DatabaseUser, on: OnInstance, password: string): ConnectionDetails {
  const { instance, ca } = on;
  const data = connectionSecretData(
    {
      engine: instance.spec.forProvider.engine,
      host: instance.spec.forProvider.connection.host,
      port: serverPort(instance),
      username: serverName(mg),
      password,
      database: mg.spec.forProvider.connectionDatabase ?? '',
      tlsMode: instance.spec.forProvider.tls?.mode ?? 'verify-full',
      ...(ca === undefined ? {} : { ca }),
    },
    mg.spec.forProvider.connectionSecretTemplate?.data,
  );
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v)]));
}

/** Records that the server now has the planned password. */
function passwordSet(mg: DatabaseUser, plan: PasswordPlan): void {
  const managedBy = mg.status?.atProvider?.managedBy;
  mg.status = {
    ...mg.status,
    atProvider: {
      ...(managedBy === undefined ? {} : { managedBy }),
      username: serverName(mg),
      lastPasswordChange: formatTimestamp(new Date()),
      ...(plan.sourceVersion === undefined ? {} : { passwordSecretVersion: plan.sourceVersion }),
    },
  };
}

function userClient(kube: KubeApi, on: OwnerOnInstance): ExternalClient<DatabaseUser> {
  const { engine, ownership } = on;
  let plan: PasswordPlan | undefined;
  let attributesDiffer = true;
  const thePlan = async (mg: DatabaseUser) => (plan ??= await planPassword(kube, mg));
  return {
    async observe(mg, signal) {
      const o = ownership.check(mg, await engine.observeUser(serverName(mg), mg.spec.forProvider, signal));
      if (!o.exists) return observed(mg, o);
      const p = await thePlan(mg);
      attributesDiffer = o.differences.length > 0;
      const result = observed(mg, {
        ...o,
        differences: p.inSync ? o.differences : [...o.differences, 'password changed'],
      });
      // Only a password the server has is published.
      const publish = p.inSync ? detailsToPublish(p, details(mg, on, p.password)) : undefined;
      return publish ? { ...result, connectionDetails: publish } : result;
    },
    async create(mg, signal) {
      const p = await thePlan(mg);
      const account = { password: p.password, owner: ownership.record };
      await engine.createUser(serverName(mg), mg.spec.forProvider, account, signal);
      passwordSet(mg, p);
      const connectionDetails = details(mg, on, p.password);
      // The reconciler publishes these, then observes again in this reconcile: the server has this password
      // now, and the Secret will hold these details.
      plan = { ...p, inSync: true, published: connectionDetails };
      return { connectionDetails };
    },
    async update(mg, signal) {
      const p = await thePlan(mg);
      // MySQL and MariaDB create the account of a new host, or switch an auth plugin, only with the
      // password: it is set (to the one tracked) before the other attributes change.
      if (!p.inSync || (attributesDiffer && engineFacts[engine.name].passwordPerHost)) {
        await engine.setPassword(serverName(mg), mg.spec.forProvider, p.password, signal);
        passwordSet(mg, p);
      }
      if (attributesDiffer) await engine.updateUser(serverName(mg), mg.spec.forProvider, signal);
      return { connectionDetails: details(mg, on, p.password) };
    },
    delete: (mg, signal) => engine.dropUser(serverName(mg), mg.spec.forProvider, signal),
  };
}

export function databaseUserKind(ctx: KindContext): ManagedKind<DatabaseUser> {
  return ownerKindOnInstance<DatabaseUser>(
    kinds.DatabaseUser,
    ctx,
    { owns: 'account', references: accountReferences },
    (_, on) => userClient(ctx.kube, on),
  );
}
