export {
  BACKEND_REQUESTS,
  BackendError,
  ONE_CLIP_AS_PAIR_FLAG,
  describeBackend,
  initBackend,
  resolveThreads,
  type BackendChoice,
  type BackendRequest,
  type ThreadsRequest,
} from './init-backend';
export { registerWasmConvGradients } from './wasm-conv-gradients';
export { MAX_WASM_THREADS, THREADED_WASM_VERSION, ThreadedWasmError, startSingleThreadedWasm, startThreadedWasm, stopThreadedWasm } from './wasm-threads';
export { MAX_CONV_REDUCTION, convChunkChannels, registerWasmChunkedConv } from './wasm-chunked-conv';
export { registerWasmTransposedMatMul } from './wasm-transposed-matmul';
export { NATIVE_BUILD_RECORD, NATIVE_PACKAGES, nativeBindingPath, nativePackageDir, nativeTurnedOff, readNativeBuildRecord, type NativeBuildRecord, type NativePackage } from './native-build';
export { tensorflowOneDnnDefault } from './native-env';
