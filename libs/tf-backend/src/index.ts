export { BACKEND_REQUESTS, BackendError, describeBackend, initBackend, type BackendChoice, type BackendRequest } from './init-backend';
export { registerWasmConvGradients } from './wasm-conv-gradients';
