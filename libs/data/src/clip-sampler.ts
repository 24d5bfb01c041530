import { SeededRandom } from '@nextframe/random';
import { clipFrames, type CropSettings } from './crop-settings';
import { cropWindow } from './crop-window';
import { movementScore } from './movement-score';

/**
 * Clip `index` of a store is drawn from its own generator, seeded by (seed, index): so a clip
 * does not depend on the order clips are made in, a resumed run makes exactly the clips it
 * would have made, and appending continues the same sequence.
 */
export function clipRandom(seed: number, index: number): SeededRandom {
  return new SeededRandom(`clip:${seed}:${index}`);
}

export interface ClipChoice {
  /** Index into the list of usable videos. */
  video: number;
  /** First frame of the clip in that video. */
  start: number;
  /** Take the first window without the movement filter (probability `unfilteredProbability`). */
  unfiltered: boolean;
}

/** The first draws of a clip's generator: which video, where in it, filtered or not. */
export function chooseClip(rng: SeededRandom, frameCounts: readonly number[], settings: CropSettings): ClipChoice {
  const video = rng.int(frameCounts.length);
  const start = rng.int(frameCounts[video] - clipFrames(settings) + 1);
  const unfiltered = rng.next() < settings.unfilteredProbability;
  return { video, start, unfiltered };
}

export interface SampledWindow {
  x: number;
  y: number;
  /** Movement score of the kept window (computed for unfiltered windows too). */
  movement: number;
}

/**
 * The seed's `process_clip` window search: random windows until one's movement score exceeds
 * the threshold, at most `maxTries`, keeping the last one tried when none does; an unfiltered
 * clip keeps the first. Writes the clip's pixels (`[frames, size, size, 3]`) into `out`.
 */
export function sampleWindow(args: {
  rng: SeededRandom;
  frames: readonly Uint8Array[];
  width: number;
  height: number;
  unfiltered: boolean;
  settings: CropSettings;
  out: Uint8Array;
}): SampledWindow {
  const { rng, frames, width, height, settings } = args;
  const sizePx = settings.cropSizePx;
  let window = { x: 0, y: 0, sizePx };
  let movement = 0;
  for (let attempt = 0; attempt < settings.maxTries; attempt++) {
    window = { x: rng.int(width - sizePx + 1), y: rng.int(height - sizePx + 1), sizePx };
    movement = movementScore(frames, width, window);
    if (args.unfiltered || movement > settings.movementThreshold) break;
  }
  cropWindow(frames, width, window, args.out);
  return { x: window.x, y: window.y, movement };
}
