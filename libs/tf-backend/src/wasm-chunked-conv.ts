import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { isUnitStride, runWasmKernel, wrapWasmKernel, type ConvAttrs, type WasmBackendHandle } from './wasm-kernel-calls';

/**
 * Reduction length (kernel height × width × input channels) above which a convolution is split
 * into input-channel chunks. Measured on the wasm backend (2-core machine, batch 8 of 32×32,
 * `npx nx run bench:profile`): XNNPACK reaches 36–41 GFLOP/s on 2 threads at up to 3,200
 * (5×5×128) and 25–28 at 12,800 (5×5×512); the same 5×5×512 → 256 convolution in four chunks of
 * 128 channels summed reaches 37.
 */
export const MAX_CONV_REDUCTION = 3200;

/** Input channels per chunk for a `[kh, kw, cin, cout]` filter (`cin` when no split pays). */
export function convChunkChannels(kh: number, kw: number, cin: number): number {
  const chunks = Math.ceil((kh * kw * cin) / MAX_CONV_REDUCTION);
  if (chunks <= 1) return cin;
  const channels = Math.ceil(cin / chunks / 8) * 8; // whole SIMD groups
  return channels >= cin ? cin : channels;
}

/**
 * The wasm `Conv2D` kernel, for stride-1 convolutions with a long reduction, as a sum of
 * convolutions over input-channel chunks (each chunk's output added into the first's). The same
 * multiply-adds in another order: results differ from the unsplit kernel by float rounding only.
 * Everything else goes to tfjs's kernel unchanged.
 */
export function registerWasmChunkedConv(): void {
  wrapWasmKernel('Conv2D', (whole) => (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const [kh, kw, cin, cout] = filter.shape;
    const channels = convChunkChannels(kh, kw, cin);
    if (channels === cin || !isUnitStride(attrs)) return whole(args);
    const backend = args.backend as unknown as WasmBackendHandle;
    let sum: TensorInfo | undefined;
    for (let start = 0; start < cin; start += channels) {
      const size = Math.min(channels, cin - start);
      const xPart = runWasmKernel('Slice', { x }, backend, { begin: [0, 0, 0, start], size: [-1, -1, -1, size] } as unknown as NamedAttrMap);
      const wPart = runWasmKernel('Slice', { x: filter }, backend, { begin: [0, 0, start, 0], size: [kh, kw, size, cout] } as unknown as NamedAttrMap);
      const part = whole({ inputs: { x: xPart, filter: wPart }, backend: args.backend, attrs: args.attrs }) as TensorInfo;
      backend.disposeData(xPart.dataId);
      backend.disposeData(wPart.dataId);
      if (!sum) {
        sum = part;
        continue;
      }
      const added = runWasmKernel('Add', { a: sum, b: part }, backend, {});
      backend.disposeData(sum.dataId);
      backend.disposeData(part.dataId);
      sum = added;
    }
    return sum as TensorInfo;
  });
}
