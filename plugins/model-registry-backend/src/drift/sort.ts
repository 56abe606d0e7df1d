import { endianness } from 'node:os';

const RADIX_BITS = 16;
const RADIX = 1 << RADIX_BITS;
/** Below this size the built-in comparison sort is faster than four radix passes. */
const SMALL = 4096;

if (endianness() !== 'LE') {
  throw new Error('the drift engine needs a little-endian platform');
}

/**
 * Sorts finite doubles ascending into a new array, by an LSD radix sort on
 * the IEEE-754 bit patterns (16-bit digits, passes whose digit is the same
 * for every value are skipped). Several times faster than
 * `Float64Array.prototype.sort` on large arrays. `-0` sorts as `0`.
 */
export function sortedCopy(values: Float64Array): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i] === 0 ? 0 : values[i];
  if (n < SMALL) return out.sort();
  const words = new Uint32Array(out.buffer);
  // Map each double to an unsigned key with the same order.
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1];
    if (hi & 0x80000000) {
      words[2 * i] = ~words[2 * i];
      words[2 * i + 1] = ~hi;
    } else {
      words[2 * i + 1] = hi | 0x80000000;
    }
  }
  const counts = new Uint32Array(4 * RADIX);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    counts[lo & 0xffff]++;
    counts[RADIX + (lo >>> 16)]++;
    counts[2 * RADIX + (hi & 0xffff)]++;
    counts[3 * RADIX + (hi >>> 16)]++;
  }
  let source = words;
  let target = new Uint32Array(2 * n);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * RADIX;
    const word = pass >> 1;
    const shift = (pass & 1) * RADIX_BITS;
    // A pass where every key has the same digit changes nothing.
    const firstDigit = (source[word] >>> shift) & 0xffff;
    if (counts[base + firstDigit] === n) continue;
    let offset = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d];
      counts[base + d] = offset;
      offset += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = source[2 * i];
      const hi = source[2 * i + 1];
      const digit = ((word === 0 ? lo : hi) >>> shift) & 0xffff;
      const at = counts[base + digit]++;
      target[2 * at] = lo;
      target[2 * at + 1] = hi;
    }
    [source, target] = [target, source];
  }
  // Back from keys to doubles.
  for (let i = 0; i < n; i++) {
    const hi = source[2 * i + 1];
    if (hi & 0x80000000) {
      source[2 * i + 1] = hi & 0x7fffffff;
    } else {
      source[2 * i] = ~source[2 * i];
      source[2 * i + 1] = ~hi;
    }
  }
  return new Float64Array(source.buffer, source.byteOffset, n);
}
