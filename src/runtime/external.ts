// The contract between the generic managed reconciler and each kind's code (crossplane-runtime's
// ExternalConnector / ExternalClient). The runtime knows nothing about SQL; a kind supplies these.
import type { ManagedResource } from './managed.ts';

/** Connection details published to the resource's connection Secret: key → value bytes. */
export type ConnectionDetails = Record<string, Buffer>;

export interface ExternalObservation {
  /** Whether the external resource exists (looked up by external name). */
  resourceExists: boolean;
  /** True when an Update would change nothing. */
  resourceUpToDate: boolean;
  /** True when Observe filled previously unset spec fields; the spec is then saved. */
  resourceLateInitialized?: boolean;
  /** Additive: returned keys overwrite, absent keys stay. */
  connectionDetails?: ConnectionDetails;
  /** Human-readable difference, logged at debug level before Update. */
  diff?: string;
}

export interface ExternalCreation {
  connectionDetails?: ConnectionDetails;
}

export interface ExternalUpdate {
  connectionDetails?: ConnectionDetails;
}

/**
 * Operations on one external resource. Observe must not change the external resource but may change the
 * managed resource (its status, and its spec when late-initialising) and owns the Ready condition. Create must be
 * idempotent; Delete must succeed when the resource is already gone. `signal` aborts at the external timeout.
 */
export interface ExternalClient<T extends ManagedResource> {
  observe(mg: T, signal: AbortSignal): Promise<ExternalObservation>;
  create(mg: T, signal: AbortSignal): Promise<ExternalCreation>;
  update(mg: T, signal: AbortSignal): Promise<ExternalUpdate>;
  delete(mg: T, signal: AbortSignal): Promise<void>;
  /** Releases what connect acquired for this reconcile (pools are shared and outlive it). */
  disconnect?(): Promise<void>;
}

/** Builds a client for one reconcile: tracks ProviderConfig usage, reads credentials, resolves the server. */
export interface ExternalConnector<T extends ManagedResource> {
  connect(mg: T, signal: AbortSignal): Promise<ExternalClient<T>>;
}
