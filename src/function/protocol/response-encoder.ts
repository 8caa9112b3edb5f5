// A RunFunctionResponse in JSON form → protobuf bytes, written directly (proto/fn/v1/run_function.proto field
// numbers). Every answer carries every composed resource as a google.protobuf.Struct; a message's length comes
// before its body on the wire, so the answer is written back to front: each body first, then its length and
// key in front of it. One pass, nothing measured twice, nothing moved. Answers are cut from a shared slab, so
// an answer costs no buffer of its own. Measured in bench/function.ts; the codec tests decode what this writes
// with protobufjs.
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

/** Answers are cut from slabs of this size (a larger answer gets a slab of its own). */
const slabSize = 256 * 1024;

function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) size++;
  return size;
}

/**
 * The free part of the current slab is [0, free); an answer is written downwards from `free`, and what it
 * used is handed out as a view, so later answers never overwrite an earlier one. The slab is freed by the
 * garbage collector once no answer views it.
 */
let slab = Buffer.allocUnsafe(slabSize);
let free = slab.length;

/** Writes one answer back to front. Marks are bytes written so far, so they survive the slab being replaced. */
class BackWriter {
  private buf = slab;
  private end = free;
  private pos = free;

  /** Bytes written so far. */
  mark(): number {
    return this.end - this.pos;
  }

  /** Room for `bytes` more in front; a new slab takes what was written at its end when the current one is full. */
  private room(bytes: number): void {
    if (this.pos >= bytes) return;
    const written = this.end - this.pos;
    const grown = Buffer.allocUnsafe(Math.max(slabSize, 2 * (written + bytes)));
    this.buf.copy(grown, grown.length - written, this.pos, this.end);
    // The old slab keeps the earlier answers; this one (and, should it fail, the next) starts over in the new.
    slab = grown;
    free = grown.length;
    this.buf = grown;
    this.end = grown.length;
    this.pos = grown.length - written;
  }

  /** A non-negative integer up to 2^53 (lengths, enums, Duration seconds). */
  varint(value: number): void {
    if (value < 0x80) {
      // Most lengths and every key here: one byte.
      this.room(1);
      this.buf[--this.pos] = value;
      return;
    }
    const size = varintSize(value);
    this.room(size);
    this.pos -= size;
    const buf = this.buf;
    let at = this.pos;
    let v = value;
    while (v >= 0x80) {
      buf[at++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[at] = v;
  }

  key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** Closes a length-delimited field whose body was written since `mark`: its length and key go in front. */
  close(field: number, mark: number): void {
    this.varint(this.mark() - mark);
    this.key(field, LENGTH_DELIMITED);
  }

  /** A string field, written even when empty (callers leave out what proto3 leaves out). */
  stringField(field: number, value: string): void {
    // Copied as ASCII, one byte per character, in JS: for the short keys and values here a call into
    // Buffer.write costs more than the loop. Anything else is written again as UTF-8.
    const chars = value.length;
    this.room(chars);
    const { buf } = this;
    const start = this.pos - chars;
    let i = 0;
    for (; i < chars; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) break;
      buf[start + i] = c;
    }
    if (i === chars) {
      this.pos = start;
      this.varint(chars);
    } else {
      const length = Buffer.byteLength(value);
      this.room(length);
      this.pos -= length;
      this.buf.write(value, this.pos, length, 'utf8');
      this.varint(length);
    }
    this.key(field, LENGTH_DELIMITED);
  }

  bytesField(field: number, value: Buffer): void {
    this.room(value.length);
    this.pos -= value.length;
    value.copy(this.buf, this.pos);
    this.varint(value.length);
    this.key(field, LENGTH_DELIMITED);
  }

  doubleField(field: number, value: number): void {
    this.room(8);
    this.pos -= 8;
    this.buf.writeDoubleLE(value, this.pos);
    this.key(field, FIXED64);
  }

  varintField(field: number, value: number): void {
    this.varint(value);
    this.key(field, VARINT);
  }

  /** The answer: a view of the slab, which the next answer is written in front of. */
  finish(): Buffer {
    free = this.pos;
    return this.buf.subarray(this.pos, this.end);
  }
}

// Optional and proto3 fields: left out when undefined, and proto3 scalars also when they hold their default.

function optionalString(w: BackWriter, field: number, value: string | undefined): void {
  if (value !== undefined) w.stringField(field, value);
}

function nonEmptyString(w: BackWriter, field: number, value: string | undefined): void {
  if (value !== undefined && value !== '') w.stringField(field, value);
}

/** An enum or non-negative integer; proto3 leaves out a zero unless the field is `optional` (`always`). */
function numberField(w: BackWriter, field: number, value: number | undefined, always = false): void {
  if (value !== undefined && (value !== 0 || always)) w.varintField(field, value);
}

/** A message field, its body written by `body` (back to front). */
function message(w: BackWriter, field: number, body: () => void): void {
  const mark = w.mark();
  body();
  w.close(field, mark);
}

// google.protobuf.Struct (map<string, Value> fields = 1; an entry: key 1, value 2), Value (oneof: null 1,
// number 2, string 3, bool 4, struct 5, list 6; a oneof member is written even when it holds its default) and
// ListValue (repeated Value values = 1). Map entries go on the wire in reverse order (a map has none); list
// items are written last to first, so they keep theirs.

function writeValue(w: BackWriter, value: JsonValue): void {
  if (value === null) w.varintField(1, 0);
  else if (typeof value === 'number') w.doubleField(2, value);
  else if (typeof value === 'boolean') w.varintField(4, value ? 1 : 0);
  else if (typeof value === 'string') w.stringField(3, value);
  else if (Array.isArray(value)) {
    const list = w.mark();
    for (let i = value.length - 1; i >= 0; i--) {
      const item = w.mark();
      writeValue(w, value[i] ?? null);
      w.close(1, item);
    }
    w.close(6, list);
  } else {
    const struct = w.mark();
    writeStructBody(w, value);
    w.close(5, struct);
  }
}

function writeStructBody(w: BackWriter, object: Record<string, JsonValue | undefined>): void {
  for (const key in object) {
    const value = object[key];
    if (value === undefined) continue;
    const entry = w.mark();
    const valueMark = w.mark();
    writeValue(w, value);
    w.close(2, valueMark);
    w.stringField(1, key);
    w.close(1, entry);
  }
}

/** A Struct field. */
function writeStruct(w: BackWriter, field: number, object: Record<string, JsonValue | undefined>): void {
  const mark = w.mark();
  writeStructBody(w, object);
  w.close(field, mark);
}

/** "60s" or "1.5s" → google.protobuf.Duration (seconds 1, nanos 2). */
function writeDuration(w: BackWriter, text: string): void {
  const match = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null) throw new TypeError(`"${text}" is not a duration such as "60s"`);
  const seconds = Number(match[1]);
  const nanos = Number((match[2] ?? '').padEnd(9, '0'));
  numberField(w, 2, nanos);
  numberField(w, 1, seconds);
}

/** Resource: resource 1 (Struct), connection_details 2 (map<string, bytes>), ready 3. */
function writeResource(w: BackWriter, resource: Resource, enums: WireEnums): void {
  numberField(w, 3, resource.ready === undefined ? undefined : enums.ready[resource.ready]);
  for (const [key, b64] of Object.entries(resource.connectionDetails ?? {})) {
    message(w, 2, () => {
      w.bytesField(2, Buffer.from(b64, 'base64'));
      w.stringField(1, key);
    });
  }
  if (resource.resource !== undefined) writeStruct(w, 1, resource.resource);
}

/** State: composite 1, resources 2 (map<string, Resource>). */
function writeState(w: BackWriter, state: State, enums: WireEnums): void {
  for (const [key, resource] of Object.entries(state.resources ?? {})) {
    message(w, 2, () => {
      message(w, 2, () => {
        writeResource(w, resource, enums);
      });
      w.stringField(1, key);
    });
  }
  const composite = state.composite;
  if (composite !== undefined)
    message(w, 1, () => {
      writeResource(w, composite, enums);
    });
}

/** ResourceSelector: api_version 1, kind 2, match_name 3 | match_labels 4 (labels 1), namespace 5. */
function writeSelector(w: BackWriter, selector: ResourceSelector): void {
  optionalString(w, 5, selector.namespace);
  const labels = selector.matchLabels?.labels;
  if (labels !== undefined)
    message(w, 4, () => {
      for (const [key, value] of Object.entries(labels))
        message(w, 1, () => {
          w.stringField(2, value);
          w.stringField(1, key);
        });
    });
  optionalString(w, 3, selector.matchName);
  nonEmptyString(w, 2, selector.kind);
  nonEmptyString(w, 1, selector.apiVersion);
}

/** Repeated fields are written last item first, so that they keep their order. */
function backwards<T>(items: readonly T[] | undefined, write: (item: T) => void): void {
  for (let i = (items?.length ?? 0) - 1; i >= 0; i--) write((items as readonly T[])[i] as T);
}

export function encodeResponseBytes(response: RunFunctionResponse, enums: WireEnums): Buffer {
  const { meta, desired, results, context, requirements, conditions } = response;
  const w = new BackWriter();
  const enumOf = (names: Record<string, number>, name: string | undefined) =>
    name === undefined ? undefined : names[name];
  backwards(conditions, (c) => {
    message(w, 6, () => {
      numberField(w, 5, enumOf(enums.target, c.target), true);
      optionalString(w, 4, c.message);
      nonEmptyString(w, 3, c.reason);
      numberField(w, 2, enumOf(enums.status, c.status));
      nonEmptyString(w, 1, c.type);
    });
  });
  if (requirements !== undefined) {
    const selectors = requirements.resources ?? {};
    message(w, 5, () => {
      for (const [key, selector] of Object.entries(selectors))
        message(w, 2, () => {
          message(w, 2, () => {
            writeSelector(w, selector);
          });
          w.stringField(1, key);
        });
    });
  }
  if (context !== undefined) writeStruct(w, 4, context);
  backwards(results, (r) => {
    message(w, 3, () => {
      numberField(w, 4, enumOf(enums.target, r.target), true);
      optionalString(w, 3, r.reason);
      nonEmptyString(w, 2, r.message);
      numberField(w, 1, enumOf(enums.severity, r.severity));
    });
  });
  if (desired !== undefined)
    message(w, 2, () => {
      writeState(w, desired, enums);
    });
  message(w, 1, () => {
    const ttl = meta.ttl;
    if (ttl !== undefined)
      message(w, 2, () => {
        writeDuration(w, ttl);
      });
    nonEmptyString(w, 1, meta.tag);
  });
  return w.finish();
}
