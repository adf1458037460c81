import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { rechunk } from './rechunk.js';

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const piece of source) out.push(Buffer.from(piece));
  return out;
}

/** The buffers as a stream delivers them: one per turn of the event loop. */
async function* from(buffers: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const b of buffers) {
    await Promise.resolve();
    yield b;
  }
}

describe(rechunk.name, () => {
  it('should cut any input into full pieces and one shorter last piece, losing and adding nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 97 }),
        async (inputs, size) => {
          const pieces = await collect(rechunk(from(inputs), size));
          const all = Buffer.concat(inputs.map((b) => Buffer.from(b)));
          expect(Buffer.concat(pieces).equals(all)).toBe(true);
          expect(pieces.slice(0, -1).every((p) => p.length === size)).toBe(true);
          const last = pieces.at(-1);
          if (last !== undefined) expect(last.length).toBeGreaterThan(0);
          expect(pieces).toHaveLength(Math.ceil(all.length / size));
        },
      ),
    );
  });

  it('should refuse a piece size that is not a positive integer', async () => {
    await expect(collect(rechunk(from([Buffer.from('x')]), 0))).rejects.toThrow(RangeError);
  });
});
