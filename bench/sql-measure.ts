// Measurements the SQL benchmark takes the same way for every contender, from outside the contender: server
// sessions and statements from PostgreSQL's own log, CPU and peak RSS from /proc, API writes from the API
// server's request counters, and time to all Ready from a watch. Nothing here needs the contender's cooperation,
// so an in-process floor, our provider and provider-sql are measured alike.
import { execFile } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse } from 'yaml';
import type { KubeApi, KubeObject, ResourceType, WatchHandle } from '../src/kube/api.ts';
import { httpGet, type TlsFiles } from '../test/harness/https-probe.ts';
import type { PostgresServer } from '../test/harness/postgres.ts';
import { clockTicks } from './processes.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What a contender did to the database server in one phase, read from the server log. */
export interface SessionStats {
  opened: number;
  peakConcurrent: number;
  /** Logins the server refused (e.g. "too many clients"). */
  refused: number;
  /** Statements the server failed (ERROR). */
  errors: number;
  reads: number;
  writes: number;
  /** Refusal messages and written statements (digits folded to 'N') with their counts, to say what they were. */
  notable: Map<string, number>;
}

/**
 * PostgreSQL's log as a measuring instrument: log_connections/log_disconnections with the pid and user in every
 * line let the benchmark replay exactly how many sessions each login role opened and how many were open at once
 * (sampling pg_stat_activity misses the short sessions a connect-per-reconcile provider opens), and
 * log_statement=all, switched on only for the idle cycle, shows what that cycle sent.
 */
export class PostgresLog {
  private offset = 0;
  /** Sessions open when the phase started, by user: they count towards how many were open at once. */
  private openAtMark = new Map<string, string[]>();

  private constructor(
    private readonly superuser: pg.Client,
    private readonly file: string,
  ) {}

  /** Connects as the bootstrap superuser over the server's socket (trusted) and turns connection logging on. */
  static async open(server: PostgresServer): Promise<PostgresLog> {
    const client = new pg.Client({
      host: server.dir,
      port: server.admin.port,
      user: 'postgres',
      database: 'postgres',
    });
    await client.connect();
    const log = new PostgresLog(client, join(server.dir, 'postgres.log'));
    await log.configure({
      log_line_prefix: '%m [%p] %u ',
      log_connections: 'on',
      log_disconnections: 'on',
    });
    return log;
  }

  /** A login role for one contender, so its sessions can be told apart from everyone else's. */
  async createLogin(name: string): Promise<{ user: string; password: string }> {
    const password = `pw-${crypto.randomUUID()}`;
    await this.superuser.query(
      `CREATE ROLE ${pg.escapeIdentifier(name)} LOGIN CREATEDB CREATEROLE PASSWORD ${pg.escapeLiteral(password)}`,
    );
    return { user: name, password };
  }

  async configure(settings: Record<string, string>): Promise<void> {
    for (const [name, value] of Object.entries(settings)) {
      await this.superuser.query(`ALTER SYSTEM SET ${name} = ${pg.escapeLiteral(value)}`);
    }
    await this.superuser.query('SELECT pg_reload_conf()');
    // Backends reread the configuration between statements; give them a moment to pick it up.
    await sleep(300);
  }

  /**
   * Brings the server and the machine to rest before a phase: a checkpoint writes out what earlier phases left
   * dirty and `sync` waits for the disk to take it, so that no contender pays for the one before it.
   */
  async settle(): Promise<void> {
    await this.superuser.query('CHECKPOINT');
    await promisify(execFile)('sync');
  }

  /**
   * The statements `user` spent most server time on, from pg_stat_statements (when the server preloads it):
   * rows of [calls, total ms, mean ms, statement]. Utility statements are not normalised by the extension, so
   * quoted names, literals and numbers are folded here to group alike ones.
   */
  async topStatements(user: string, limit = 10): Promise<string[][]> {
    await this.superuser.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const { rows } = await this.superuser.query<{ calls: string; total: number; query: string }>(
      `SELECT s.calls, s.total_exec_time AS total, s.query FROM pg_stat_statements s
         JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = $1`,
      [user],
    );
    const groups = new Map<string, { calls: number; total: number }>();
    for (const row of rows) {
      const shape = row.query
        .replace(/\s+/g, ' ')
        .replace(/"[^"]*"/g, '"…"')
        .replace(/'[^']*'/g, "'…'")
        .replace(/\d+/g, 'N')
        .slice(0, 110);
      const group = groups.get(shape) ?? { calls: 0, total: 0 };
      group.calls += Number(row.calls);
      group.total += row.total;
      groups.set(shape, group);
    }
    return [...groups]
      .sort(([, a], [, b]) => b.total - a.total)
      .slice(0, limit)
      .map(([shape, g]) => [String(g.calls), g.total.toFixed(0), (g.total / g.calls).toFixed(2), shape]);
  }

  /** Starts a phase: what the log holds so far is not counted, the sessions open now are. */
  async mark(): Promise<void> {
    const { rows } = await this.superuser.query<{ user: string; pid: number }>(
      "SELECT usename AS user, pid FROM pg_stat_activity WHERE backend_type = 'client backend'",
    );
    this.openAtMark = new Map();
    for (const row of rows)
      this.openAtMark.set(row.user, [...(this.openAtMark.get(row.user) ?? []), String(row.pid)]);
    this.offset = statSync(this.file).size;
  }

  /** Everything `user` did since mark(). */
  async read(user: string): Promise<SessionStats> {
    // The log reaches the file through the harness's pipe; let it drain.
    await sleep(500);
    const end = statSync(this.file).size;
    const buffer = Buffer.alloc(end - this.offset);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, this.offset);
    } finally {
      closeSync(fd);
    }
    return summarise(buffer.toString('utf8'), user, this.openAtMark.get(user) ?? []);
  }

  async close(): Promise<void> {
    await this.superuser.end();
  }
}

const linePattern = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) \S+ \[(\d+)\] (\S*) ?(\w+):\s+(.*)$/;

const fold = (text: string): string => text.replace(/\d+/g, 'N').slice(0, 100);

function countStatement(stats: SessionStats, statement: string): void {
  if (/^\s*(SELECT|SHOW|WITH)\b/i.test(statement)) stats.reads += 1;
  // Transaction control and session settings change nothing on the server.
  else if (!/^\s*(BEGIN|COMMIT|ROLLBACK|START|SET|RESET|DISCARD|DEALLOCATE)\b/i.test(statement)) {
    stats.writes += 1;
    const key = `wrote: ${fold(statement)}`;
    stats.notable.set(key, (stats.notable.get(key) ?? 0) + 1);
  }
}

function countMessage(stats: SessionStats, level: string, message: string): void {
  // The statement that failed follows an ERROR (log_min_error_statement): it says which step hit it.
  if (level === 'FATAL' || level === 'ERROR' || level === 'STATEMENT') {
    if (level === 'FATAL') stats.refused += 1;
    else if (level === 'ERROR') stats.errors += 1;
    const key = `${level}: ${fold(message)}`;
    stats.notable.set(key, (stats.notable.get(key) ?? 0) + 1);
    return;
  }
  const statement = /^(?:statement|execute [^:]*): (.*)$/.exec(message)?.[1];
  if (statement !== undefined) countStatement(stats, statement);
}

/** `alreadyOpen`: pids of the user's sessions open when the phase started (a pool's idle connections). */
function summarise(text: string, user: string, alreadyOpen: readonly string[]): SessionStats {
  const events: { at: string; delta: number }[] = [];
  const open = new Set<string>(alreadyOpen);
  const stats: SessionStats = {
    opened: 0,
    peakConcurrent: 0,
    refused: 0,
    errors: 0,
    reads: 0,
    writes: 0,
    notable: new Map(),
  };
  for (const line of text.split('\n')) {
    const match = linePattern.exec(line);
    if (match === null || match[3] !== user) continue;
    const [, at = '', pid = '', , level = '', message = ''] = match;
    if (message.startsWith('connection authorized:')) {
      stats.opened += 1;
      open.add(pid);
      events.push({ at, delta: 1 });
    } else if (message.startsWith('disconnection:')) {
      if (open.delete(pid)) events.push({ at, delta: -1 });
    } else countMessage(stats, level, message);
  }
  // Backends write their lines in their own order; the timestamps (ms) give the real one.
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.delta - b.delta));
  let current = alreadyOpen.length;
  stats.peakConcurrent = current;
  for (const event of events) {
    current += event.delta;
    stats.peakConcurrent = Math.max(stats.peakConcurrent, current);
  }
  return stats;
}

/** The API server's request counters, read from its /metrics with the admin client certificate. */
export class ApiRequests {
  private constructor(
    private readonly url: string,
    private readonly tls: TlsFiles,
  ) {}

  static fromKubeconfig(kubeconfig: string): ApiRequests {
    interface Config {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
    }
    const config = parse(kubeconfig) as Config;
    const cluster = config.clusters[0]?.cluster;
    const user = config.users[0]?.user;
    if (cluster === undefined || user === undefined) throw new Error('kubeconfig without cluster or user');
    const decode = (data: string): Buffer => Buffer.from(data, 'base64');
    return new ApiRequests(`${cluster.server}/metrics`, {
      ca: decode(cluster['certificate-authority-data']),
      cert: decode(user['client-certificate-data']),
      key: decode(user['client-key-data']),
    });
  }

  /**
   * Write requests served so far, by "VERB group/resource[/subresource]". The API server's own lease renewals
   * are left out: they happen whatever runs.
   */
  writes(): Promise<Map<string, number>> {
    return this.served(['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY']);
  }

  /** Reads served so far (GET and LIST; watches are long-lived and not counted), keyed as writes() keys. */
  reads(): Promise<Map<string, number>> {
    return this.served(['GET', 'LIST']);
  }

  private async served(verbs: string[]): Promise<Map<string, number>> {
    const { status, body } = await httpGet(this.url, this.tls);
    if (status !== 200) throw new Error(`GET ${this.url}: ${String(status)}`);
    const out = new Map<string, number>();
    for (const line of body.split('\n')) {
      if (!line.startsWith('apiserver_request_total{')) continue;
      const labels = Object.fromEntries(
        [...line.matchAll(/(\w+)="([^"]*)"/g)].map(([, k = '', v = '']) => [k, v]),
      );
      const verb = labels['verb'] ?? '';
      if (!verbs.includes(verb)) continue;
      if (labels['resource'] === 'leases') continue;
      const sub = labels['subresource'] ? `/${labels['subresource']}` : '';
      const key = `${verb} ${labels['group'] ?? ''}/${labels['resource'] ?? ''}${sub}`;
      out.set(key, (out.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
    return out;
  }
}

/** The difference of two counter snapshots, only what moved. */
export function countersDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta > 0) out.set(key, delta);
  }
  return out;
}

interface Conditioned extends KubeObject {
  status?: { conditions?: { type: string; status: string }[] };
}

const isReady = (obj: Conditioned): boolean =>
  obj.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export interface ReadyWait {
  types: ResourceType[];
  namespace: string;
  count: number;
  timeoutMs?: number;
  /** Told the first time each object is seen Ready, e.g. to draw how each kind progressed. */
  onFirstReady?: (kind: string, name: string) => void;
}

/**
 * Resolves once `count` objects of the given types in `namespace` are Ready, or after `timeoutMs`, with how many
 * were Ready. Watches rather than lists repeatedly, so the benchmark's own reads cost the API server (and the
 * shared CPUs) next to nothing.
 */
export async function allReady(
  kube: KubeApi,
  { types, namespace, count, timeoutMs = 1_800_000, onFirstReady }: ReadyWait,
): Promise<number> {
  const ready = new Set<string>();
  const seenReady = new Set<string>();
  const handles: WatchHandle[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    const note = (type: ResourceType, obj: Conditioned, gone = false): void => {
      const key = `${type.kind}/${obj.metadata.name}`;
      if (!gone && isReady(obj)) {
        ready.add(key);
        if (!seenReady.has(key)) {
          seenReady.add(key);
          onFirstReady?.(type.kind, obj.metadata.name);
        }
      } else ready.delete(key);
      if (ready.size >= count) resolve();
    };
    const follow = async (type: ResourceType): Promise<void> => {
      const { items, resourceVersion } = await kube.list<Conditioned>(type, { namespace });
      for (const item of items) note(type, item);
      if (stopped) return;
      handles.push(
        await kube.watch<Conditioned>(
          type,
          { namespace, resourceVersion },
          (event, obj) => {
            if (event !== 'BOOKMARK') note(type, obj, event === 'DELETED');
          },
          () => {
            // A watch the server ended is resumed from a fresh list.
            if (!stopped) retry(type);
          },
        ),
      );
    };
    // A new CRD's storage may still be initialising (429), a watch may end: try again shortly.
    const retry = (type: ResourceType): void => {
      follow(type).catch(() =>
        setTimeout(() => {
          retry(type);
        }, 500),
      );
    };
    for (const type of types) retry(type);
  });
  stopped = true;
  clearTimeout(timer);
  for (const handle of handles) handle.stop();
  return ready.size;
}

/** CPU seconds used so far by each program on the machine (by command name; PostgreSQL's ended sessions too). */
function cpuByProgram(): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended while we were looking
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime; for PostgreSQL also cutime and cstime: a session's time lands in the postmaster when it
    // ends. (Other programs' reaped children would count for programs that did not spend it.)
    const counted = comm === 'postgres' ? [11, 12, 13, 14] : [11, 12];
    const ticks = counted.reduce((sum, i) => sum + Number(fields[i]), 0);
    out.set(comm, (out.get(comm) ?? 0) + ticks / clockTicks);
  }
  return out;
}

/** The machine's busy share of all its CPUs since `since` (from /proc/stat), and the reading to pass next time. */
function machineBusy(since?: number[]): { busy: number; reading: number[] } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const reading = line.trim().split(/\s+/).slice(1).map(Number);
  if (since === undefined) return { busy: 0, reading };
  const delta = reading.map((v, i) => v - (since[i] ?? 0));
  const total = delta.reduce((a, b) => a + b, 0);
  // Fields 3 and 4 are idle and iowait.
  const idle = (delta[3] ?? 0) + (delta[4] ?? 0);
  return { busy: total > 0 ? 1 - idle / total : 0, reading };
}

/** What the whole machine spent during one phase: its busy share and the CPU seconds of each program. */
export interface MachineUse {
  busy: number;
  cpuByProgram: Map<string, number>;
}

/** Starts measuring a phase; the returned function ends it. */
export function measureMachine(): () => MachineUse {
  const before = cpuByProgram();
  const { reading } = machineBusy();
  return () => {
    const after = cpuByProgram();
    const used = new Map<string, number>();
    for (const [program, seconds] of after) {
      const delta = seconds - (before.get(program) ?? 0);
      if (delta > 0.05) used.set(program, delta);
    }
    return { busy: machineBusy(reading).busy, cpuByProgram: used };
  };
}
