// The page of `nextframe export`, its TF.js backend: the fastest this browser has — webgpu,
// webgl, wasm, cpu — but a GPU drawn in software (no GPU here: SwiftShader, llvmpipe; ~20× slower
// than wasm) is passed over for wasm. ?backend=wasm forces one.
'use strict';

const isSoftware = (text) => /swiftshader|llvmpipe|software/i.test(text);

/** WebGL's renderer when it is drawn in software, else null. */
function softwareWebGl() {
  try {
    const gl = document.createElement('canvas').getContext('webgl');
    const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : '';
    return isSoftware(renderer) ? renderer : null;
  } catch {
    return null;
  }
}

/** WebGPU: usable when the browser gives an adapter (none without a GPU unless forced by flags); `software` names a fallback one. */
async function webGpuAdapter() {
  try {
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    if (!adapter) return { available: false, software: null };
    const info = adapter.info || {};
    const software = adapter.isFallbackAdapter || info.isFallbackAdapter || isSoftware(`${info.vendor} ${info.architecture} ${info.description}`);
    return { available: true, software: software ? info.architecture || 'a fallback adapter' : null };
  } catch {
    return { available: false, software: null };
  }
}

/** Start the backend (`forced`, or the fastest usable), noting in `state` what was found; why any was passed over (for the status line). */
async function chooseBackend(forced, state) {
  tf.wasm.setWasmPaths(new URL('vendor/', location.href).href);
  const softwareGl = softwareWebGl();
  const gpu = await webGpuAdapter();
  Object.assign(state, { softwareGl, softwareGpu: gpu.software, webgpuAvailable: gpu.available });
  const order = forced ? [forced] : [...(gpu.available && !gpu.software ? ['webgpu'] : []), ...(softwareGl ? [] : ['webgl']), 'wasm', 'cpu'];
  for (const name of order) {
    if (!tf.findBackendFactory(name)) continue;
    try {
      if (await tf.setBackend(name)) break;
    } catch {
      // this backend failed to start: try the next one
    }
  }
  if (forced && tf.getBackend() !== forced) throw new Error(`the ${forced} backend does not start in this browser (try ?backend=wasm)`);
  await tf.ready();
  const passedOver = [gpu.software && `WebGPU (${gpu.software})`, softwareGl && `WebGL (${softwareGl})`].filter(Boolean);
  const why = !forced && passedOver.length ? ` (${passedOver.join(' and ')} ${passedOver.length > 1 ? 'are' : 'is'} drawn in software here: wasm is faster)` : '';
  return why;
}
