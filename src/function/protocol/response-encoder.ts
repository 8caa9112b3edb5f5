// A RunFunctionResponse in JSON form → protobuf bytes, written directly (proto/fn/v1/run_function.proto field
// numbers). Every answer carries every composed resource as a google.protobuf.Struct, which protobufjs encodes
// through a fork per map entry and value; here each message is written in place after room for its length,
// which is then filled in and the body moved up by the bytes it did not need. Measured in bench/function.ts; the
// codec tests decode what this writes with protobufjs.
import type { JsonValue, Resource, ResourceSelector, RunFunctionResponse, State } from './messages.ts';

/** Enum name → number maps, read from the loaded .proto. */
export interface WireEnums {
  ready: Record<string, number>;
  severity: Record<string, number>;
  target: Record<string, number>;
  status: Record<string, number>;
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
/** The most bytes a message length (under 4 GiB) takes as a varint. */
const LENGTH_ROOM = 5;

/**
 * UTF-8 length of a string, in JS: the strings here are short keys and values, for which a call into
 * Buffer.byteLength costs more than the loop. Lone surrogates count as U+FFFD (3 bytes), as Buffer writes them.
 */
function utf8Length(text: string): number {
  if (text.length > 64) return Buffer.byteLength(text);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 4;
        i++;
      } else length += 3;
    } else length += 3;
  }
  return length;
}

function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) size++;
  return size;
}

/** Grown as answers need, reused by every answer (each is copied out whole at the end). */
let scratch = Buffer.allocUnsafe(16_384);

class Writer {
  private buf = scratch;
  private pos = 0;

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
    scratch = grown;
  }

  /** A non-negative integer up to 2^53 (lengths, enums, Duration seconds). */
  private varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    let { pos } = this;
    let v = value;
    while (v >= 0x80) {
      buf[pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** A varint field (an enum or a non-negative integer); proto3 leaves out a zero unless `always`. */
  varintField(field: number, value: number | undefined, always = false): void {
    if (value === undefined || (value === 0 && !always)) return;
    this.key(field, VARINT);
    this.varint(value);
  }

  /** A string field; proto3 leaves out an empty one unless it is `optional` (or a map key/value). */
  string(field: number, value: string | undefined, always = false): void {
    if (value === undefined || (value === '' && !always)) return;
    this.measuredString(field, value, utf8Length(value));
  }

  /** A length-delimited field's key and length; its body follows. */
  header(field: number, length: number): void {
    this.key(field, LENGTH_DELIMITED);
    this.varint(length);
  }

  /** A string whose UTF-8 length is known; written even when empty (a oneof member or map key). */
  measuredString(field: number, value: string, length: number): void {
    this.header(field, length);
    this.ensure(length);
    if (length === value.length) {
      // ASCII: one byte per character, written here rather than through a call into Buffer.write.
      const { buf, pos } = this;
      for (let i = 0; i < length; i++) buf[pos + i] = value.charCodeAt(i);
      this.pos = pos + length;
    } else this.pos += this.buf.write(value, this.pos, length, 'utf8');
  }

  bytes(field: number, value: Buffer): void {
    this.key(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.ensure(value.length);
    value.copy(this.buf, this.pos);
    this.pos += value.length;
  }

  double(field: number, value: number): void {
    this.key(field, FIXED64);
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  bool(field: number, value: boolean): void {
    this.key(field, VARINT);
    this.varint(value ? 1 : 0);
  }

  /** A message field: its body is written after room for the length, then moved up to close the gap. */
  message(field: number, body: () => void): void {
    this.key(field, LENGTH_DELIMITED);
    this.ensure(LENGTH_ROOM);
    const lengthAt = this.pos;
    const bodyAt = lengthAt + LENGTH_ROOM;
    this.pos = bodyAt;
    body();
    const length = this.pos - bodyAt;
    const lengthSize = varintSize(length);
    this.pos = lengthAt;
    this.varint(length);
    this.buf.copyWithin(lengthAt + lengthSize, bodyAt, bodyAt + length);
    this.pos = lengthAt + lengthSize + length;
  }

  /** The bytes written, copied: the scratch buffer is the next answer's. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

// google.protobuf.Struct (map<string, Value> fields = 1; an entry: key 1, value 2), Value (oneof: null 1,
// number 2, string 3, bool 4, struct 5, list 6; a oneof member is written even when it holds its default) and
// ListValue (repeated Value values = 1). Structs are the bulk of an answer, so they are written in two passes
// with no moving: the first measures every value, in the order the second writes them.

/** What the first pass measured of each value, in visiting order: a string's bytes, a struct's or list's body. */
type Measured = number[];

function measureValue(value: JsonValue, sizes: Measured): number {
  if (value === null || typeof value === 'boolean') return 2;
  if (typeof value === 'number') return 9;
  const slot = sizes.length;
  sizes.push(0);
  const inner =
    typeof value === 'string'
      ? utf8Length(value)
      : Array.isArray(value)
        ? measureList(value, sizes)
        : measureStruct(value, sizes);
  sizes[slot] = inner;
  return 1 + varintSize(inner) + inner;
}

function measureList(values: JsonValue[], sizes: Measured): number {
  let size = 0;
  for (const item of values) {
    const itemSize = measureValue(item, sizes);
    size += 1 + varintSize(itemSize) + itemSize;
  }
  return size;
}

function measureStruct(object: Record<string, JsonValue | undefined>, sizes: Measured): number {
  let size = 0;
  for (const key in object) {
    const value = object[key];
    if (value === undefined) continue;
    const keyBytes = utf8Length(key);
    const valueSize = measureValue(value, sizes);
    const entry = 1 + varintSize(keyBytes) + keyBytes + 1 + varintSize(valueSize) + valueSize;
    size += 1 + varintSize(entry) + entry;
  }
  return size;
}

/** Replays the measurements in the order they were taken. */
class Replay {
  private next = 0;
  constructor(private readonly sizes: Measured) {}
  take(): number {
    return this.sizes[this.next++] ?? 0;
  }
  peek(): number {
    return this.sizes[this.next] ?? 0;
  }
}

/** Writes a Value's body, taking the measurements measureValue made for it. */
function writeValue(w: Writer, value: JsonValue, sizes: Replay): void {
  if (value === null) w.varintField(1, 0, true);
  else if (typeof value === 'number') w.double(2, value);
  else if (typeof value === 'boolean') w.bool(4, value);
  else if (typeof value === 'string') w.measuredString(3, value, sizes.take());
  else if (Array.isArray(value)) {
    w.header(6, sizes.take());
    for (const item of value) {
      w.header(1, valueSize(item, sizes));
      writeValue(w, item, sizes);
    }
  } else {
    w.header(5, sizes.take());
    writeStructBody(w, value, sizes);
  }
}

/** A Value's encoded body size, from the measurement the next writeValue takes (not consuming it). */
function valueSize(value: JsonValue, sizes: Replay): number {
  if (value === null || typeof value === 'boolean') return 2;
  if (typeof value === 'number') return 9;
  const inner = sizes.peek();
  return 1 + varintSize(inner) + inner;
}

function writeStructBody(w: Writer, object: Record<string, JsonValue | undefined>, sizes: Replay): void {
  for (const key in object) {
    const value = object[key];
    if (value === undefined) continue;
    const keyBytes = utf8Length(key);
    const body = valueSize(value, sizes);
    w.header(1, 1 + varintSize(keyBytes) + keyBytes + 1 + varintSize(body) + body);
    w.measuredString(1, key, keyBytes);
    w.header(2, body);
    writeValue(w, value, sizes);
  }
}

/** A Struct field: measured, then written with its length up front. */
function writeStruct(w: Writer, field: number, object: Record<string, JsonValue | undefined>): void {
  const sizes: Measured = [];
  const size = measureStruct(object, sizes);
  w.header(field, size);
  writeStructBody(w, object, new Replay(sizes));
}

/** "60s" or "1.5s" → google.protobuf.Duration (seconds 1, nanos 2). */
function writeDuration(w: Writer, text: string): void {
  const match = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null) throw new TypeError(`"${text}" is not a duration such as "60s"`);
  const seconds = Number(match[1]);
  const nanos = Number((match[2] ?? '').padEnd(9, '0'));
  w.varintField(1, seconds);
  w.varintField(2, nanos);
}

/** Resource: resource 1 (Struct), connection_details 2 (map<string, bytes>), ready 3. */
function writeResource(w: Writer, resource: Resource, enums: WireEnums): void {
  if (resource.resource !== undefined) writeStruct(w, 1, resource.resource);
  for (const [key, b64] of Object.entries(resource.connectionDetails ?? {})) {
    w.message(2, () => {
      w.string(1, key, true);
      w.bytes(2, Buffer.from(b64, 'base64'));
    });
  }
  w.varintField(3, resource.ready === undefined ? undefined : enums.ready[resource.ready]);
}

/** State: composite 1, resources 2 (map<string, Resource>). */
function writeState(w: Writer, state: State, enums: WireEnums): void {
  const composite = state.composite;
  if (composite !== undefined)
    w.message(1, () => {
      writeResource(w, composite, enums);
    });
  for (const [key, resource] of Object.entries(state.resources ?? {})) {
    w.message(2, () => {
      w.string(1, key, true);
      w.message(2, () => {
        writeResource(w, resource, enums);
      });
    });
  }
}

/** ResourceSelector: api_version 1, kind 2, match_name 3 | match_labels 4 (labels 1), namespace 5. */
function writeSelector(w: Writer, selector: ResourceSelector): void {
  w.string(1, selector.apiVersion);
  w.string(2, selector.kind);
  if (selector.matchName !== undefined) w.string(3, selector.matchName, true);
  const labels = selector.matchLabels?.labels;
  if (labels !== undefined)
    w.message(4, () => {
      for (const [key, value] of Object.entries(labels))
        w.message(1, () => {
          w.string(1, key, true);
          w.string(2, value, true);
        });
    });
  w.string(5, selector.namespace, true);
}

export function encodeResponseBytes(response: RunFunctionResponse, enums: WireEnums): Buffer {
  const { meta, desired, results, context, requirements, conditions } = response;
  const w = new Writer();
  const enumOf = (names: Record<string, number>, name: string | undefined) =>
    name === undefined ? undefined : names[name];
  w.message(1, () => {
    w.string(1, meta.tag);
    if (meta.ttl !== undefined) {
      const ttl = meta.ttl;
      w.message(2, () => {
        writeDuration(w, ttl);
      });
    }
  });
  if (desired !== undefined)
    w.message(2, () => {
      writeState(w, desired, enums);
    });
  for (const r of results ?? []) {
    w.message(3, () => {
      w.varintField(1, enumOf(enums.severity, r.severity));
      w.string(2, r.message);
      w.string(3, r.reason, true);
      w.varintField(4, enumOf(enums.target, r.target), true);
    });
  }
  if (context !== undefined) writeStruct(w, 4, context);
  if (requirements !== undefined) {
    const selectors = requirements.resources ?? {};
    w.message(5, () => {
      for (const [key, selector] of Object.entries(selectors))
        w.message(2, () => {
          w.string(1, key, true);
          w.message(2, () => {
            writeSelector(w, selector);
          });
        });
    });
  }
  for (const c of conditions ?? []) {
    w.message(6, () => {
      w.string(1, c.type);
      w.varintField(2, enumOf(enums.status, c.status));
      w.string(3, c.reason);
      w.string(4, c.message, true);
      w.varintField(5, enumOf(enums.target, c.target), true);
    });
  }
  return w.finish();
}
