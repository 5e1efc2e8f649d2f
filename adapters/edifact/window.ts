/**
 * The tokenizer's byte window: the bytes received and not yet consumed, and their offset in the stream.
 */
export class ByteWindow {
  protected buf: Buffer = Buffer.allocUnsafe(64 * 1024);
  protected len = 0;
  /** Next byte to examine. */
  protected pos = 0;
  /** Stream offset of buf[0]. */
  protected base = 0;

  /** Bytes received so far. */
  get bytesRead(): number {
    return this.base + this.len;
  }

  /** Appends a chunk, first dropping the bytes before `keepFrom()` when the buffer is full. */
  protected append(chunk: Uint8Array): void {
    const need = this.len + chunk.length;
    if (need > this.buf.length) {
      this.compact();
      const need2 = this.len + chunk.length;
      if (need2 > this.buf.length) {
        const nb = Buffer.allocUnsafe(Math.max(need2, this.buf.length * 2));
        this.buf.copy(nb, 0, 0, this.len);
        this.buf = nb;
      }
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  /** First buffer index still needed (subclasses keep an unfinished segment). */
  protected keepFrom(): number {
    return this.pos;
  }

  /** Called after the window dropped `n` bytes from its front (indexes moved down by n). */
  protected shifted(_n: number): void {}

  /** Drops bytes no longer needed from the front of the buffer. */
  protected compact(): void {
    const keep = this.keepFrom();
    if (keep === 0) return;
    this.buf.copyWithin(0, keep, this.len);
    this.len -= keep;
    this.pos -= keep;
    this.base += keep;
    this.shifted(keep);
  }
}
