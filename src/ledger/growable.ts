// Typed-array columns that grow in place: backed by resizable ArrayBuffers, so growth commits new pages instead
// of copying, resident memory tracks the rows actually stored, and views handed out earlier stay valid.

interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
  readonly maxByteLength: number;
}
// lib ES2023 (the project's TS lib) predates resizable buffers; Node 20 has them.
const ResizableArrayBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableArrayBuffer;

type TypedArrayCtor<T> = { new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number };

/** V8 refuses resizable buffers above 4 GiB. */
const MAX_BUFFER_BYTES = 2 ** 32;

export class Growable<T extends ArrayBufferView> {
  private readonly buffer: ResizableArrayBuffer;
  /** A length-tracking view over the whole buffer: its length is the capacity. */
  readonly array: T;
  readonly maxLength: number;

  constructor(
    private readonly ctor: TypedArrayCtor<T>,
    maxLength: number,
  ) {
    this.maxLength = Math.min(maxLength, Math.floor(MAX_BUFFER_BYTES / ctor.BYTES_PER_ELEMENT));
    this.buffer = new ResizableArrayBuffer(0, { maxByteLength: this.maxLength * ctor.BYTES_PER_ELEMENT });
    this.array = new ctor(this.buffer);
  }

  get capacity(): number {
    return this.buffer.byteLength / this.ctor.BYTES_PER_ELEMENT;
  }

  /**
   * Make room for `length` elements. Grows by at least 1/8 so a stream of small batches does not resize on every
   * call; the slack is at most 1/8 of the column, and untouched pages of it are never resident anyway. `exact`: just
   * `length`, for a final size known in advance (a file's records, docs/decisions/0186).
   */
  reserve(length: number, exact = false): void {
    if (length <= this.capacity) return;
    if (length > this.maxLength) throw new RangeError(`column capacity ${this.maxLength} exceeded`);
    const want = exact
      ? length
      : Math.min(this.maxLength, Math.max(length, Math.ceil(this.capacity * 1.125), 1024));
    this.buffer.resize(want * this.ctor.BYTES_PER_ELEMENT);
  }

  /** Make the capacity exactly `length` elements (at least the current one): for power-of-two hash tables. */
  growTo(length: number): void {
    if (length < this.capacity) throw new RangeError('growTo cannot shrink');
    if (length > this.maxLength) throw new RangeError(`column capacity ${this.maxLength} exceeded`);
    this.buffer.resize(length * this.ctor.BYTES_PER_ELEMENT);
  }

  get byteLength(): number {
    return this.buffer.byteLength;
  }
}
