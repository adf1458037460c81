/**
 * Re-cuts a byte stream into pieces of exactly `size` bytes (the last one
 * shorter), whatever sizes arrive; holds at most one piece plus one incoming
 * buffer at a time.
 */
export async function* rechunk(source: AsyncIterable<Buffer | Uint8Array>, size: number): AsyncGenerator<Buffer> {
  if (!Number.isInteger(size) || size <= 0) throw new RangeError('chunk size must be a positive integer');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const input of source) {
    let data = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    while (data.length > 0) {
      const take = Math.min(size - pendingBytes, data.length);
      pending.push(data.subarray(0, take));
      pendingBytes += take;
      data = data.subarray(take);
      if (pendingBytes === size) {
        yield pending.length === 1 ? pending[0] : Buffer.concat(pending, size);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}
