import type { ClipShape } from './clip-store-format';

/**
 * A training batch: `data` is float32 `[batch, height, width, 3 × frames]` in [-1, 1]
 * (`x / 127.5 − 1`), each clip's frames stacked along channels, oldest first, as the networks
 * expect; `indices` are the clips' store indices.
 */
export interface ClipBatch {
  data: Float32Array;
  shape: [number, number, number, number];
  indices: Uint32Array;
}

/** Stack stored clips (`[frames, height, width, 3]` uint8) into a `ClipBatch`. */
export function stackClips(clips: readonly Uint8Array[], clipShape: ClipShape, indices: Uint32Array): ClipBatch {
  const [frames, height, width] = clipShape;
  const channels = 3 * frames;
  const data = new Float32Array(clips.length * height * width * channels);
  const pixelsPerFrame = height * width;
  clips.forEach((clip, b) => {
    const base = b * pixelsPerFrame * channels;
    for (let t = 0; t < frames; t++) {
      const source = t * pixelsPerFrame * 3;
      for (let p = 0; p < pixelsPerFrame; p++) {
        const o = base + p * channels + t * 3;
        const s = source + p * 3;
        data[o] = clip[s] / 127.5 - 1;
        data[o + 1] = clip[s + 1] / 127.5 - 1;
        data[o + 2] = clip[s + 2] / 127.5 - 1;
      }
    }
  });
  return { data, shape: [clips.length, height, width, channels], indices };
}
