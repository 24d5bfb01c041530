import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { runWasmKernel, wrapWasmKernel, type WasmBackendHandle } from './wasm-kernel-calls';

/**
 * The wasm `BatchMatMul` kernel with `transposeA` done as an explicit transpose. tfjs 4.22 sends
 * any transposed operand to a plain single-threaded loop instead of XNNPACK: the discriminator's
 * weight gradient `hᵀ·dz` ([4608, 8]ᵀ·[8, 1024]) took 132 ms against 31 ms with `h` transposed
 * first (a small copy: `h` is a batch of activations) and XNNPACK's path (2-core machine,
 * 2 threads). `transposeB` stays with tfjs: there the operand is a weight matrix, and copying it
 * (4.7 M values) cost more than the loop (`dz·Wᵀ`: 97 ms against 65). Batched products (more than
 * one matrix pair) go to tfjs's kernel unchanged.
 */
export function registerWasmTransposedMatMul(): void {
  wrapWasmKernel('BatchMatMul', (plain) => (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA || transposeB || !singlePair(a) || !singlePair(b)) return plain(args);
    const backend = args.backend as unknown as WasmBackendHandle;
    const aPlain = swapLastAxes(a, backend);
    const out = plain({ inputs: { a: aPlain, b }, backend: args.backend, attrs: { ...args.attrs, transposeA: false } }) as TensorInfo;
    backend.disposeData(aPlain.dataId);
    return out;
  });
}

function singlePair(t: TensorInfo): boolean {
  return t.shape.slice(0, -2).every((d) => d === 1);
}

function swapLastAxes(t: TensorInfo, backend: WasmBackendHandle): TensorInfo {
  const rank = t.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  return runWasmKernel('Transpose', { x: t }, backend, { perm } as unknown as NamedAttrMap);
}
