// Whether a resource's engine-specific settings fit the engine of its instance: postgres settings on a
// MariaDB server (or the reverse) are refused before any statement is sent.
import { engineFacts, enginesWith, type SettingsBlock } from '../../apis/engine-table.ts';
import type { EngineName } from '../../engines/engine.ts';

/** The settings blocks a kind's forProvider may carry, one per engine family. */
export interface EngineSpecific {
  postgres?: unknown;
  mysql?: unknown;
}

/** An error message when the settings do not fit `engine`, else undefined. */
export function engineMismatch(engine: EngineName, forProvider: EngineSpecific): string | undefined {
  const own = engineFacts[engine].settingsBlock;
  const blocks: SettingsBlock[] = ['postgres', 'mysql'];
  const misplaced = blocks.find((block) => block !== own && forProvider[block] !== undefined);
  if (misplaced === undefined) return undefined;
  const fits = enginesWith(misplaced).join(' and ');
  return `forProvider.${misplaced} applies to ${fits} instances, but this instance runs ${engine}; use forProvider.${own}`;
}
