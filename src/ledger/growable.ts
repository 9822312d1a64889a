// Typed-array columns in plain (malloc'd) buffers that grow by copying: sized once when the final length is known,
// so the process's allocator can back them with 2 MiB pages (docs/decisions/0186).

type TypedArrayCtor<T> = { new (length: number): T; readonly BYTES_PER_ELEMENT: number };
type Column = ArrayBufferView &
  ArrayLike<number> & { set(a: ArrayLike<number>): void; subarray(a: number, b: number): ArrayLike<number> };

/** The largest column a ledger makes (as with the resizable buffers it used before, 0175). */
const MAX_BUFFER_BYTES = 2 ** 32;

/**
 * Why plain buffers: on this project's VMs a first touch of a 4 KiB page costs 12–17 µs of CPU, most of a bulk
 * append's cost (0175, 0182). glibc asks the kernel for transparent huge pages (`madvise`) on its own mappings when
 * the process starts with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` (bin/mosaic.js and the npm scripts set it), and a
 * plain ArrayBuffer is calloc'd; V8 maps a resizable buffer's pages itself, so those never get them. The price is a
 * copy when a column outgrows its buffer, so callers that know a final length (a file's records) reserve it once,
 * and other growth at least doubles. `array` is replaced by a growth: fetch it after `reserve`, not before.
 */
export class Growable<T extends Column> {
  private array_: T;
  readonly maxLength: number;

  constructor(
    private readonly ctor: TypedArrayCtor<T>,
    maxLength: number,
  ) {
    this.maxLength = Math.min(maxLength, Math.floor(MAX_BUFFER_BYTES / ctor.BYTES_PER_ELEMENT));
    this.array_ = new ctor(0);
  }

  /** The column's current array; its length is the capacity. */
  get array(): T {
    return this.array_;
  }

  get capacity(): number {
    return this.array_.length;
  }

  /**
   * Make room for `length` elements, keeping the first `filled` (default: all). Grows to at least twice the capacity,
   * so a stream of batches copies each element O(1) times; untouched capacity of a large buffer is never resident
   * (calloc maps it zero-filled). `exact`: just `length`, for a final size known in advance.
   */
  reserve(length: number, filled = this.capacity, exact = false): void {
    if (length <= this.capacity) return;
    if (length > this.maxLength) throw new RangeError(`column capacity ${this.maxLength} exceeded`);
    const want = exact ? length : Math.min(this.maxLength, Math.max(length, 2 * this.capacity, 1024));
    const next = new this.ctor(want);
    const keep = Math.min(filled, this.capacity);
    // Only the filled prefix: reading the untouched rest would map pages for nothing.
    if (keep > 0) next.set(keep === this.capacity ? this.array_ : this.array_.subarray(0, keep));
    this.array_ = next;
  }

  get byteLength(): number {
    return this.array_.byteLength;
  }
}
