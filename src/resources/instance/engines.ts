// One Engine (one connection pool) per DatabaseInstance, shared by every resource on that server. A change of
// connection settings (a rotated password, a new host) replaces the engine and closes the old pool; deleting
// the instance closes it.
import { createHash } from 'node:crypto';
import type { ConnectionSettings, Engine, EngineName } from '../../engines/engine.ts';
import { createMysqlEngine } from '../../engines/mysql/engine.ts';
import { createPostgresEngine } from '../../engines/postgres/engine.ts';

export type EngineFactory = (settings: ConnectionSettings) => Engine;

/** Each engine's code; the compiler insists on one entry per engine name. */
const factories = {
  postgres: createPostgresEngine,
  mysql: (settings) => createMysqlEngine(settings),
  mariadb: (settings) => createMysqlEngine(settings),
} as const satisfies Record<EngineName, EngineFactory>;

export const createEngine: EngineFactory = (settings) => factories[settings.engine](settings);

interface Entry {
  fingerprint: string;
  /** metadata.generation of the instance the settings were read for. */
  generation: number;
  engine: Engine;
  /** The PEM CA bundle the engine trusts, which clients of the server need too. */
  ca: string | undefined;
}

function fingerprint(settings: ConnectionSettings): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex');
}

export class EngineRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly factory: EngineFactory = createEngine) {}

  /** The engine of instance `uid` for these settings; different settings replace (and close) the old one. */
  engineFor(uid: string, generation: number, settings: ConnectionSettings): Engine {
    const print = fingerprint(settings);
    const entry = this.entries.get(uid);
    if (entry?.fingerprint === print) {
      entry.generation = generation;
      return entry.engine;
    }
    if (entry) void entry.engine.close().catch(() => undefined);
    const engine = this.factory(settings);
    this.entries.set(uid, { fingerprint: print, generation, engine, ca: settings.tls.ca });
    return engine;
  }

  /** The CA bundle (PEM) instance `uid`'s engine verifies the server with, if it has one of its own. */
  trustedCa(uid: string): string | undefined {
    return this.entries.get(uid)?.ca;
  }

  /** The engine already built for this generation of the instance, without reading its Secrets again. */
  cached(uid: string, generation: number): Engine | undefined {
    const entry = this.entries.get(uid);
    return entry?.generation === generation ? entry.engine : undefined;
  }

  /** Closes the instance's pool (the instance is being deleted). */
  async release(uid: string): Promise<void> {
    const entry = this.entries.get(uid);
    this.entries.delete(uid);
    await entry?.engine.close();
  }

  async closeAll(): Promise<void> {
    const engines = [...this.entries.values()].map((e) => e.engine);
    this.entries.clear();
    await Promise.allSettled(engines.map((e) => e.close()));
  }
}
