// A strict reader of the Prometheus text exposition format 0.0.4, for tests. It throws, naming the line, on
// anything Prometheus would reject or promtool would flag as malformed: bad names, bad label escapes, TYPE after
// samples, interleaved or duplicate series, and histograms whose buckets are not cumulative or lack +Inf.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: string;
  help?: string;
  samples: Sample[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const types = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parseExposition(text: string): Map<string, MetricFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, MetricFamily>();
  const closed = new Set<string>();
  const seriesSeen = new Set<string>();
  let current: string | undefined;
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((line, index) => {
    const at = `line ${index + 1} (${JSON.stringify(line)})`;
    try {
      const family = readLine(line, families);
      if (family === undefined) return;
      if (family !== current) {
        if (closed.has(family)) throw new Error(`samples or metadata of ${family} are not contiguous`);
        if (current !== undefined) closed.add(current);
        current = family;
      }
    } catch (err) {
      throw new Error(`${at}: ${(err as Error).message}`, { cause: err });
    }
  });
  for (const family of families.values()) {
    for (const sample of family.samples) {
      const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
      if (seriesSeen.has(key)) throw new Error(`duplicate series ${key}`);
      seriesSeen.add(key);
    }
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;
}

/** Applies one line; returns the family it belongs to, or undefined for blank lines and comments. */
function readLine(line: string, families: Map<string, MetricFamily>): string | undefined {
  if (line.trim() === '') return undefined;
  const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
  if (meta !== null) return readMeta(meta[1] ?? '', meta[2] ?? '', meta[3] ?? '', families);
  if (line.startsWith('#')) return undefined;
  const sample = readSample(line);
  const familyName = familyOf(sample.name, families);
  const family = familyName === undefined ? undefined : families.get(familyName);
  if (family === undefined) {
    families.set(sample.name, { name: sample.name, type: 'untyped', samples: [sample] });
    return sample.name;
  }
  family.samples.push(sample);
  return family.name;
}

function readMeta(kind: string, name: string, rest: string, families: Map<string, MetricFamily>): string {
  if (!metricName.test(name)) throw new Error(`bad metric name ${name}`);
  const family = families.get(name) ?? { name, type: 'untyped', samples: [] };
  families.set(name, family);
  if (kind === 'HELP') {
    if (family.help !== undefined) throw new Error(`second HELP for ${name}`);
    if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error('HELP may only escape \\\\ and \\n');
    family.help = rest;
  } else {
    if (!types.has(rest)) throw new Error(`unknown type ${rest}`);
    if (family.samples.length > 0) throw new Error(`TYPE of ${name} after its samples`);
    family.type = rest;
  }
  return name;
}

function familyOf(sampleName: string, families: Map<string, MetricFamily>): string | undefined {
  if (families.has(sampleName)) return sampleName;
  const base = /^(.*)_(bucket|sum|count)$/.exec(sampleName)?.[1];
  const type = base === undefined ? undefined : families.get(base)?.type;
  return type === 'histogram' || type === 'summary' ? base : undefined;
}

function readSample(line: string): Sample {
  const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)?.[1];
  if (head === undefined) throw new Error('bad metric name');
  let rest = line.slice(head.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = readLabels(rest);
    labels = parsed.labels;
    rest = rest.slice(parsed.length);
  }
  const value = /^ (\S+)(?: -?\d+)?$/.exec(rest)?.[1];
  if (value === undefined) throw new Error('want " value [timestamp]" after the series');
  return { name: head, labels, value: readValue(value) };
}

function readLabels(text: string): { labels: Record<string, string>; length: number } {
  const labels: Record<string, string> = {};
  let i = 1;
  while (text[i] !== '}') {
    const name = /^([^=]*)="/.exec(text.slice(i))?.[1];
    if (name === undefined || !labelName.test(name)) throw new Error(`bad label name at ${text.slice(i)}`);
    if (name in labels) throw new Error(`label ${name} twice`);
    const value = readLabelValue(text, i + name.length + 2);
    labels[name] = value.value;
    i = value.end + 1;
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') throw new Error(`want , or } after label ${name}`);
  }
  return { labels, length: i + 1 };
}

/** The label value starting at `start`, unescaped, and the index of its closing quote. */
function readLabelValue(text: string, start: number): { value: string; end: number } {
  const escapes: Record<string, string> = { '\\': '\\', '"': '"', n: '\n' };
  let value = '';
  let i = start;
  while (text[i] !== '"') {
    const char = text[i];
    if (char === undefined) throw new Error('unterminated label value');
    if (char !== '\\') {
      value += char;
      i += 1;
      continue;
    }
    const escaped = escapes[text[i + 1] ?? ''];
    if (escaped === undefined) throw new Error(`bad escape \\${text[i + 1] ?? ''}`);
    value += escaped;
    i += 2;
  }
  return { value, end: i };
}

// Prometheus reads values with Go's strconv.ParseFloat, which takes NaN and Inf in any case (prom-client writes
// "Nan" for an empty event-loop histogram).
function readValue(text: string): number {
  if (/^nan$/i.test(text)) return NaN;
  const infinity = /^([+-]?)inf(inity)?$/i.exec(text);
  if (infinity !== null) return infinity[1] === '-' ? -Infinity : Infinity;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`bad value ${text}`);
  return value;
}

function checkHistogram(family: MetricFamily): void {
  const groups = new Map<string, Sample[]>();
  for (const sample of family.samples) {
    const key = JSON.stringify(
      Object.entries(sample.labels)
        .filter(([name]) => name !== 'le')
        .sort(),
    );
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  for (const [key, samples] of groups) {
    const where = `${family.name}${key}`;
    const buckets = samples.filter((s) => s.name === `${family.name}_bucket`);
    const count = samples.find((s) => s.name === `${family.name}_count`);
    if (!samples.some((s) => s.name === `${family.name}_sum`) || count === undefined) {
      throw new Error(`${where}: histogram without _sum or _count`);
    }
    const bounds = buckets.map((b) => readValue(b.labels['le'] ?? ''));
    if (bounds.at(-1) !== Infinity) throw new Error(`${where}: last bucket is not le="+Inf"`);
    buckets.forEach((bucket, i) => {
      const previous = buckets[i - 1];
      if (previous === undefined) return;
      if ((bounds[i] ?? 0) <= (bounds[i - 1] ?? 0)) throw new Error(`${where}: bucket bounds not increasing`);
      if (bucket.value < previous.value) throw new Error(`${where}: bucket counts not cumulative`);
    });
    if (buckets.at(-1)?.value !== count.value) throw new Error(`${where}: +Inf bucket differs from _count`);
  }
}
