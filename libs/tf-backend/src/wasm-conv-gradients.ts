import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { isUnitStride, runWasmKernel as run, type ConvAttrs, type WasmBackendHandle as Backend } from './wasm-kernel-calls';

/**
 * Convolution gradients for the wasm backend, computed with forward convolutions (XNNPACK):
 * tfjs 4.22's wasm `Conv2DBackpropInput` runs at a tenth of forward speed and
 * `Conv2DBackpropFilter` is not registered at all. For stride 1, dilation 1, NHWC:
 *
 * - input gradient: `dx = conv2d(dy, flip(w) with in/out swapped)`, padded by `k − 1 − pad`
 *   on each side (a full correlation);
 * - filter gradient: `dw[di, dj, c, o] = Σ_b Σ_ij xpad[b, di+i, dj+j, c] · dy[b, i, j, o]`, which is a
 *   VALID convolution of the padded input with batch and channel axes swapped (`[c, H, W, b]`) by
 *   `dy` as the filter (`[h, w, b, o]`), transposed back to `[kh, kw, c, o]`.
 *
 * Other strides or dilations use the backend's own input-gradient kernel and are an error for the
 * filter gradient (nextframe's networks use stride 1 everywhere).
 */
export function registerWasmConvGradients(): void {
  const original = getKernel('Conv2DBackpropInput', 'wasm');
  if (original && (original as KernelConfig & { nextframe?: boolean }).nextframe) return;
  const fallbackInput = original?.kernelFunc;
  if (original) unregisterKernel('Conv2DBackpropInput', 'wasm');
  const input: KernelConfig & { nextframe: boolean } = {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    nextframe: true,
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
      if (!isUnitStride(attrs)) {
        if (!fallbackInput) throw new Error('Conv2DBackpropInput: only stride 1 is supported on wasm');
        return fallbackInput(args);
      }
      return backpropInput(args.inputs as { dy: TensorInfo; filter: TensorInfo }, args.backend, attrs);
    },
  };
  registerKernel(input);
  if (getKernel('Conv2DBackpropFilter', 'wasm')) unregisterKernel('Conv2DBackpropFilter', 'wasm');
  registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
      if (!isUnitStride(attrs)) throw new Error('Conv2DBackpropFilter on wasm supports stride 1 and dilation 1 only');
      return backpropFilter(args.inputs as { x: TensorInfo; dy: TensorInfo }, args.backend, attrs);
    },
  });
}

/**
 * `w[kh, kw, in, out]` → `w'[kh, kw, out, in]` with both spatial axes reversed, in one pass over
 * the wasm heap: tfjs 4.22's wasm `Reverse` took about 4 ms per small-preset filter, single-threaded,
 * more than the convolution it prepares for some layers.
 */
function flipAndSwapFilter(filter: TensorInfo, backend: Backend): TensorInfo {
  const [kh, kw, cin, cout] = filter.shape;
  const out = backend.makeOutput([kh, kw, cout, cin], 'float32');
  // Views taken after the allocation, which may have grown the heap.
  const src = backend.typedArrayFromHeap(filter);
  const dst = backend.typedArrayFromHeap(out);
  const plane = cin * cout;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = (i * kw + j) * plane;
      const to = ((kh - 1 - i) * kw + (kw - 1 - j)) * plane;
      for (let o = 0; o < cout; o++) {
        const row = to + o * cin;
        for (let c = 0; c < cin; c++) dst[row + c] = src[from + c * cout + o];
      }
    }
  }
  return out;
}

/** Top/bottom/left/right padding of a stride-1 convolution, as tfjs computes it. */
function paddingOf(pad: ConvAttrs['pad'], kh: number, kw: number): [number, number, number, number] {
  if (pad === 'valid') return [0, 0, 0, 0];
  if (pad === 'same') {
    // Stride 1: total padding k − 1, the extra pixel at the bottom/right (TensorFlow's rule).
    return [Math.floor((kh - 1) / 2), Math.ceil((kh - 1) / 2), Math.floor((kw - 1) / 2), Math.ceil((kw - 1) / 2)];
  }
  if (typeof pad === 'number') return [pad, pad, pad, pad];
  return [pad[1][0], pad[1][1], pad[2][0], pad[2][1]];
}

function backpropInput(inputs: { dy: TensorInfo; filter: TensorInfo }, backend: unknown, attrs: ConvAttrs & { inputShape: number[] }): TensorInfo {
  const [kh, kw] = inputs.filter.shape;
  const [pt, pb, pl, pr] = paddingOf(attrs.pad, kh, kw);
  const b = backend as Backend;
  const swapped = flipAndSwapFilter(inputs.filter, b);
  const dx = run('Conv2D', { x: inputs.dy, filter: swapped }, backend, {
    strides: [1, 1],
    pad: [[0, 0], [kh - 1 - pt, kh - 1 - pb], [kw - 1 - pl, kw - 1 - pr], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  } as unknown as NamedAttrMap);
  b.disposeData(swapped.dataId);
  return dx;
}

function backpropFilter(inputs: { x: TensorInfo; dy: TensorInfo }, backend: unknown, attrs: ConvAttrs & { filterShape: number[] }): TensorInfo {
  const [kh, kw] = attrs.filterShape;
  const [pt, pb, pl, pr] = paddingOf(attrs.pad, kh, kw);
  const b = backend as Backend;
  // [b, H, W, c] → [c, H, W, b], zero-padded in H and W.
  const xT = run('Transpose', { x: inputs.x }, backend, { perm: [3, 1, 2, 0] });
  // dy [b, h, w, o] → [h, w, b, o] as the filter.
  const dyT = run('Transpose', { x: inputs.dy }, backend, { perm: [1, 2, 0, 3] });
  const out = run('Conv2D', { x: xT, filter: dyT }, backend, {
    strides: [1, 1],
    pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  } as unknown as NamedAttrMap);
  b.disposeData(xT.dataId);
  b.disposeData(dyT.dataId);
  // [c, kh, kw, o] → [kh, kw, c, o]
  const dw = run('Transpose', { x: out }, backend, { perm: [1, 2, 0, 3] });
  b.disposeData(out.dataId);
  return dw;
}
