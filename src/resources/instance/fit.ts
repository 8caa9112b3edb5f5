// Whether a resource's engine-specific settings fit the engine of its instance: postgres settings on a
// MariaDB server (or the reverse) are refused before any statement is sent.
import type { EngineName } from '../../engines/engine.ts';

/** The settings blocks a kind's forProvider may carry, one per engine family. */
export interface EngineSpecific {
  postgres?: unknown;
  mysql?: unknown;
}

/** An error message when the settings do not fit `engine`, else undefined. */
export function engineMismatch(engine: EngineName, forProvider: EngineSpecific): string | undefined {
  if (forProvider.postgres !== undefined && engine !== 'postgres') {
    return `forProvider.postgres applies to postgres instances, but this instance runs ${engine}; use forProvider.mysql`;
  }
  if (forProvider.mysql !== undefined && engine === 'postgres') {
    return 'forProvider.mysql applies to mysql and mariadb instances, but this instance runs postgres; use forProvider.postgres';
  }
  return undefined;
}
