import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/** What nextframe's wasm kernels use of tfjs's `BackendWasm`. */
export interface WasmBackendHandle {
  disposeData(dataId: object): void;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/** Attributes of tfjs's convolution kernels. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | number[][];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: string;
  dilations?: number | [number, number];
}

/** Call the wasm kernel registered under `name` directly (no tape, no profiler entry). */
export function runWasmKernel(name: string, inputs: Record<string, TensorInfo>, backend: unknown, attrs: NamedAttrMap): TensorInfo {
  const kernel = getKernel(name, 'wasm');
  if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
  return (kernel.kernelFunc as KernelFunc)({ inputs, backend: backend as never, attrs }) as TensorInfo;
}

/** Stride 1, dilation 1, NHWC: the only convolutions nextframe's own kernels handle. */
export function isUnitStride(attrs: ConvAttrs): boolean {
  const pair = (v: number | [number, number] | undefined) => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v);
  const [sh, sw] = pair(attrs.strides);
  const [dh, dw] = pair(attrs.dilations);
  return sh === 1 && sw === 1 && dh === 1 && dw === 1 && attrs.dataFormat !== 'NCHW';
}

/**
 * Replace tfjs's wasm kernel `name` by `wrap(original)`, keeping its `setupFunc` (which binds the
 * wasm function the original calls). Does nothing when the kernel is missing or already nextframe's.
 */
export function wrapWasmKernel(name: string, wrap: (original: KernelFunc) => KernelFunc): void {
  const original = getKernel(name, 'wasm');
  if (!original || (original as KernelConfig & { nextframe?: boolean }).nextframe) return;
  unregisterKernel(name, 'wasm');
  const replacement: KernelConfig & { nextframe: boolean } = {
    kernelName: name,
    backendName: 'wasm',
    nextframe: true,
    setupFunc: original.setupFunc,
    kernelFunc: wrap(original.kernelFunc as KernelFunc),
  };
  registerKernel(replacement);
}
