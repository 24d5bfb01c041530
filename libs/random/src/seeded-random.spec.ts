import { SeededRandom } from './index';

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed, and a different one for another seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 8 }, () => a.nextUint32());
    const seqB = Array.from({ length: 8 }, () => b.nextUint32());
    const seqC = Array.from({ length: 8 }, () => c.nextUint32());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('is pinned: a change of algorithm would silently change every dataset', () => {
    const rng = new SeededRandom(1);
    expect(Array.from({ length: 3 }, () => rng.nextUint32())).toMatchInlineSnapshot(`
      [
        1828152527,
        3394835397,
        2967886022,
      ]
    `);
  });

  it('draws integers uniformly in range', () => {
    const rng = new SeededRandom('uniformity');
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100000; i++) counts[rng.int(10)]++;
    for (const count of counts) expect(Math.abs(count - 10000)).toBeLessThan(500);
    expect(() => rng.int(0)).toThrow(RangeError);
  });

  it('shuffles into a permutation, reproducibly, leaving the input alone', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const first = new SeededRandom(7).shuffled(items);
    expect(first).toEqual(new SeededRandom(7).shuffled(items));
    expect([...first].sort((x, y) => x - y)).toEqual(items);
    expect(first).not.toEqual(items);
    expect(items[0]).toBe(0);
  });

  it('makes permutations of 0…n−1', () => {
    const p = new SeededRandom(3).permutation(1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(new SeededRandom(3).permutation(1000))).toEqual(Array.from(p));
    expect(Array.from(p.subarray(0, 10))).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('forks independent streams named by a label', () => {
    const parent = new SeededRandom(5);
    const fork1 = parent.fork('split').next();
    parent.next();
    expect(parent.fork('split').next()).toBe(fork1);
    expect(parent.fork('other').next()).not.toBe(fork1);
  });
});
