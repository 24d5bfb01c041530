import { NextframeError } from '@nextframe/errors';
import { SeededRandom } from '@nextframe/random';
import type { SplitSpec } from './manifest-schema';

export type SplitName = 'train' | 'test';

/**
 * Which videos are held out for testing: a seeded random share (`testFraction`, at least one
 * video when the share is above 0 and there are two or more videos, never all of them), or an
 * explicit list of names. Depends only on the set of names, not their order.
 */
export function assignSplit(names: readonly string[], split: SplitSpec): Map<string, SplitName> {
  const sorted = [...new Set(names)].sort();
  const test = new Set<string>();
  if ('test' in split) {
    const unknown = split.test.filter((n) => !sorted.includes(n));
    if (unknown.length) throw new NextframeError(`split.test names unknown videos: ${unknown.join(', ')}`);
    split.test.forEach((n) => test.add(n));
  } else if (split.testFraction > 0 && sorted.length >= 2) {
    const count = Math.min(sorted.length - 1, Math.max(1, Math.round(split.testFraction * sorted.length)));
    new SeededRandom(split.seed).shuffled(sorted).slice(0, count).forEach((n) => test.add(n));
  }
  return new Map(sorted.map((n) => [n, test.has(n) ? 'test' : 'train']));
}
