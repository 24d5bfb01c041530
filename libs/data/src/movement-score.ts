/**
 * The movement filter's score of a clip window (the seed's `clip_l2_diff`): the sum over
 * consecutive frame pairs of the squared pixel differences, with pixels in [-1, 1]
 * (`x / 127.5 - 1`, so a difference of `d` 8-bit levels counts `(d / 127.5)²`).
 *
 * `frames` are full 8-bit RGB frames (`height × width × 3`, row-major), all the same size;
 * the window is `sizePx × sizePx` at (`x`, `y`).
 */
export function movementScore(
  frames: readonly Uint8Array[],
  frameWidth: number,
  window: { x: number; y: number; sizePx: number },
): number {
  const { x, y, sizePx } = window;
  const rowBytes = sizePx * 3;
  let sumSquares = 0;
  for (let t = 0; t + 1 < frames.length; t++) {
    const prev = frames[t];
    const next = frames[t + 1];
    for (let row = 0; row < sizePx; row++) {
      const offset = ((y + row) * frameWidth + x) * 3;
      for (let k = offset; k < offset + rowBytes; k++) {
        const d = next[k] - prev[k];
        sumSquares += d * d;
      }
    }
  }
  return sumSquares / (127.5 * 127.5);
}
