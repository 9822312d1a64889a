// Columnar agent state in SharedArrayBuffers: one typed array per attribute, shared with worker threads without copying.

export type TypedArrayCtor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

/** Typed-array constructors accept SharedArrayBuffers at runtime; lib typings of the union do not say so. */
type SharedCtor = new (buffer: ArrayBufferLike, offset: number, length: number) => unknown;

export type ColumnSpec = Record<string, TypedArrayCtor>;
export type Columns<S extends ColumnSpec> = { [K in keyof S]: InstanceType<S[K]> };
/** What crosses the thread boundary: the buffers (shared, not copied) and the row count. */
export interface ColumnBuffers {
  length: number;
  buffers: Record<string, SharedArrayBuffer>;
}

/** Allocate every column of `spec` for `length` rows in shared memory (zero-filled). */
export function allocColumns<S extends ColumnSpec>(spec: S, length: number): Columns<S> & { length: number } {
  const out: Record<string, unknown> = { length };
  for (const [name, Ctor] of Object.entries(spec)) {
    const sab = new SharedArrayBuffer(Math.max(1, length) * Ctor.BYTES_PER_ELEMENT);
    out[name] = new (Ctor as unknown as SharedCtor)(sab, 0, length);
  }
  return out as Columns<S> & { length: number };
}

export function columnBuffers<S extends ColumnSpec>(
  spec: S,
  cols: Columns<S> & { length: number },
): ColumnBuffers {
  const buffers: Record<string, SharedArrayBuffer> = {};
  for (const name of Object.keys(spec))
    buffers[name] = (cols[name] as { buffer: ArrayBufferLike }).buffer as SharedArrayBuffer;
  return { length: cols.length, buffers };
}

/** Re-attach typed views to buffers received from another thread. */
export function viewColumns<S extends ColumnSpec>(
  spec: S,
  b: ColumnBuffers,
): Columns<S> & { length: number } {
  const out: Record<string, unknown> = { length: b.length };
  for (const [name, Ctor] of Object.entries(spec)) {
    const sab = b.buffers[name];
    if (!sab) throw new Error(`column ${name} missing from shared buffers`);
    out[name] = new (Ctor as unknown as SharedCtor)(sab, 0, b.length);
  }
  return out as Columns<S> & { length: number };
}

export function columnBytes<S extends ColumnSpec>(spec: S, length: number): number {
  let n = 0;
  for (const Ctor of Object.values(spec)) n += Ctor.BYTES_PER_ELEMENT * length;
  return n;
}

/** A growable typed array for buffers whose final size is unknown (event and record streams). */
export class Grow<
  T extends Int32Array | Uint32Array | Float64Array | Uint8Array | Uint16Array | Float32Array,
> {
  data: T;
  length = 0;
  private readonly Ctor: { new (n: number): T };
  constructor(Ctor: { new (n: number): T }, initial = 1024) {
    this.Ctor = Ctor;
    this.data = new Ctor(initial);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new this.Ctor(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** A compact copy of the filled part (transferable). */
  take(): T {
    const out = this.data.slice(0, this.length) as T;
    this.length = 0;
    return out;
  }
}
