/**
 * Copy the same `sizePx × sizePx` window at (`x`, `y`) out of each frame into `out`, laid out as
 * `[frames, sizePx, sizePx, 3]` (the clip store's layout). Frames are 8-bit RGB, `frameWidth` wide.
 */
export function cropWindow(
  frames: readonly Uint8Array[],
  frameWidth: number,
  window: { x: number; y: number; sizePx: number },
  out: Uint8Array,
): void {
  const { x, y, sizePx } = window;
  const rowBytes = sizePx * 3;
  let o = 0;
  for (const frame of frames) {
    for (let row = 0; row < sizePx; row++) {
      const start = ((y + row) * frameWidth + x) * 3;
      out.set(frame.subarray(start, start + rowBytes), o);
      o += rowBytes;
    }
  }
}
