// The page of `nextframe export`: loads model/model.json with TF.js, takes the first `history`
// frames of a video (or of a bundled sample clip), predicts frames recursively and shows them
// beside the truth with PSNR per step, next to the copy-last, blank-frame and mean-of-inputs baselines.
// Plain browser JavaScript, no build step. window.nextframe exposes the results (for tests).
'use strict';

// A generator no standard layer expresses (a flow model) comes as nextframe's own code,
// model/generator.js, with its weights by parameter key; it predicts a padded batch as a layers
// model does.
async function loadNextframeGenerator(modelJson) {
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'model/generator.js';
    script.onload = resolve;
    script.onerror = () => reject(new Error('model/generator.js did not load'));
    document.head.append(script);
  });
  const manifest = modelJson.weightsManifest[0];
  const buffer = await (await fetch(`model/${manifest.paths[0]}`)).arrayBuffer();
  const weights = tf.io.decodeWeights(buffer, manifest.weights);
  const generator = nextframeGenerator.generatorFromWeights(modelJson.userDefinedMetadata.nextframe.config, weights);
  tf.dispose(Object.values(weights));
  return generator;
}

(async function main() {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const state = (window.nextframe = { ready: false, done: false, backend: null, error: null });
  const fail = (message) => {
    state.error = message;
    $('error').textContent = message;
    $('error').hidden = false;
  };
  window.addEventListener('unhandledrejection', (e) => fail(String(e.reason && e.reason.message ? e.reason.message : e.reason)));

  // The fastest backend this browser has: webgpu, webgl, wasm, cpu — but a GPU drawn in software
  // (no GPU here: SwiftShader, llvmpipe; ~20× slower than wasm) is passed over for wasm.
  // ?backend=wasm forces one.
  tf.wasm.setWasmPaths(new URL('vendor/', location.href).href);
  const isSoftware = (text) => /swiftshader|llvmpipe|software/i.test(text);
  const softwareGl = (() => {
    try {
      const gl = document.createElement('canvas').getContext('webgl');
      const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : '';
      return isSoftware(renderer) ? renderer : null;
    } catch {
      return null;
    }
  })();
  // WebGPU: usable when the browser gives an adapter (none without a GPU unless forced by flags).
  const gpu = await (async () => {
    try {
      const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
      if (!adapter) return { available: false, software: null };
      const info = adapter.info || {};
      const software = adapter.isFallbackAdapter || info.isFallbackAdapter || isSoftware(`${info.vendor} ${info.architecture} ${info.description}`);
      return { available: true, software: software ? info.architecture || 'a fallback adapter' : null };
    } catch {
      return { available: false, software: null };
    }
  })();
  const forced = params.get('backend');
  const order = forced ? [forced] : [...(gpu.available && !gpu.software ? ['webgpu'] : []), ...(softwareGl ? [] : ['webgl']), 'wasm', 'cpu'];
  Object.assign(state, { softwareGl, softwareGpu: gpu.software, webgpuAvailable: gpu.available });
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
  state.backend = tf.getBackend();
  const modelJson = await (await fetch('model/model.json')).json();
  const meta = modelJson.userDefinedMetadata.nextframe;
  const model = modelJson.format === 'nextframe-generator' ? await loadNextframeGenerator(modelJson) : await tf.loadLayersModel('model/model.json');
  state.meta = meta;
  const passedOver = [gpu.software && `WebGPU (${gpu.software})`, softwareGl && `WebGL (${softwareGl})`].filter(Boolean);
  const why = !forced && passedOver.length ? ` (${passedOver.join(' and ')} ${passedOver.length > 1 ? 'are' : 'is'} drawn in software here: wasm is faster)` : '';
  const modelStatus = `TF.js backend: ${state.backend}${why}. Model: ${meta.run || 'a checkpoint'} at step ${meta.step} (${meta.config.preset} preset), ${meta.historyLength} input frames, sizes in multiples of ${meta.sizeMultipleOf} px.`;
  $('status').textContent = modelStatus;
  const samples = await fetch('sample/clips.json').then((r) => (r.ok ? r.json() : { clips: [] }), () => ({ clips: [] }));
  const clips = samples.clips || [];
  $('sample-clip').replaceChildren(
    ...clips.map((clip, i) => {
      const option = document.createElement('option');
      option.value = String(i);
      option.textContent = `${clip.name} (${clip.frames.length} frames)`;
      return option;
    }),
  );
  $('sample').disabled = $('sample-clip').disabled = !clips.length;
  state.ready = true;

  /** RGBA ImageData → [h, w, 3] in [-1, 1]. */
  const toTensor = (image) =>
    tf.tidy(() => tf.browser.fromPixels(image).toFloat().div(127.5).sub(1));
  const toCanvas = async (frame, zoom) => {
    const canvas = document.createElement('canvas');
    const [h, w] = frame.shape;
    canvas.width = w;
    canvas.height = h;
    const pixels = tf.tidy(() => frame.add(1).div(2).clipByValue(0, 1));
    await tf.browser.toPixels(pixels, canvas);
    pixels.dispose();
    canvas.style.width = `${w * zoom}px`;
    return canvas;
  };
  // Read back asynchronously: a synchronous read stalls GPU backends (webgpu refuses it).
  const psnr = async (a, b) => {
    const mseTensor = tf.tidy(() => a.sub(b).div(2).square().mean());
    const mse = (await mseTensor.data())[0];
    mseTensor.dispose();
    return mse === 0 ? 100 : Math.min(100, 10 * Math.log10(1 / mse));
  };

  async function loadImage(url) {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  }

  /** Frames of a video file, by seeking at the given frame rate, scaled to at most maxSide px (0: as stored). */
  async function videoFrames(file, fps, count, maxSide) {
    const video = $('video');
    video.src = URL.createObjectURL(file);
    await new Promise((resolve, reject) => {
      video.onloadeddata = resolve;
      video.onerror = () => reject(new Error(`${file.name}: this browser cannot decode the video`));
    });
    // Frames are scaled down (the browser's drawImage filter) so the longer side is at most
    // maxSide px: full-HD video would take many seconds per frame on wasm.
    const scale = maxSide > 0 ? Math.min(1, maxSide / Math.max(video.videoWidth, video.videoHeight)) : 1;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(video.videoWidth * scale));
    canvas.height = Math.max(1, Math.round(video.videoHeight * scale));
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const frames = [];
    for (let i = 0; i < count && i / fps <= video.duration; i++) {
      // 'seeked' can fire before the new frame is presented (seen on a loaded machine): wait for
      // the frame itself too, where the browser says when it is (requestVideoFrameCallback).
      const presented = new Promise((resolve) => {
        if (!video.requestVideoFrameCallback) return resolve();
        video.requestVideoFrameCallback(() => resolve());
        setTimeout(resolve, 2000);
      });
      const seeked = new Promise((resolve) => (video.onseeked = resolve));
      video.currentTime = (i + 0.5) / fps;
      await Promise.all([seeked, presented]);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      frames.push(toTensor(context.getImageData(0, 0, canvas.width, canvas.height)));
    }
    return frames;
  }

  // The tensors of the run on screen (frames, predictions): freed when the next run starts.
  let held = [];
  let timer;
  async function run(frames, label) {
    clearInterval(timer);
    for (const t of held) t.dispose();
    held = frames.slice();
    state.done = false;
    $('error').hidden = true;
    const steps = Number($('steps').value);
    const zoom = Number($('zoom').value);
    const history = meta.historyLength;
    const m = meta.sizeMultipleOf;
    if (frames.length < history) throw new Error(`${label}: ${frames.length} frames, the model needs ${history} to start`);
    const [h, w] = frames[0].shape;
    // Sizes that are not multiples of the network's are padded as nextframe pads them (mirrored
    // to the next multiple, the prediction cropped back); mirroring needs half a multiple.
    const padH = (m - (h % m)) % m;
    const padW = (m - (w % m)) % m;
    if (padH > h || padW > w) throw new Error(`${label}: frames are ${w}×${h} px; the network needs at least ${m / 2}×${m / 2} px (padded to multiples of ${m})`);
    const mode = padH < h && padW < w ? 'reflect' : 'symmetric';
    const predictFrame = (input) =>
      tf.tidy(() => {
        const padded = padH || padW ? tf.mirrorPad(input, [[0, padH], [0, padW], [0, 0]], mode) : input;
        const next = model.predict(padded.expandDims(0)).squeeze([0]);
        return padH || padW ? next.slice([0, 0, 0], [h, w, 3]) : next;
      });
    const inputs = frames.slice(0, history);
    const truth = frames.slice(history, history + steps);
    const window_ = inputs.slice();
    const predictions = [];
    const started = performance.now();
    for (let s = 0; s < steps; s++) {
      const raw = tf.tidy(() => predictFrame(tf.concat(window_.slice(-history), 2)));
      const shown = tf.tidy(() => raw.clipByValue(-1, 1));
      predictions.push(shown);
      held.push(shown);
      if (raw !== shown && !meta.clipFeedback) held.push(raw);
      else raw.dispose();
      // Fed back as nextframe does: clipped to the pixel range when the model was trained so.
      window_.push(meta.clipFeedback ? shown : raw);
    }
    await predictions[predictions.length - 1].data();
    const msPerFrame = (performance.now() - started) / steps;
    // The trivial predictors every figure stands beside: a blank frame, the last input, the mean of the inputs.
    const blank = tf.fill([h, w, 3], -1);
    const last = inputs[history - 1];
    const mean = tf.tidy(() => tf.stack(inputs).mean(0));
    const rows = await Promise.all(
      predictions.map(async (p, s) =>
        truth[s]
          ? { step: s + 1, model: await psnr(p, truth[s]), copyLast: await psnr(last, truth[s]), blank: await psnr(blank, truth[s]), meanOfInputs: await psnr(mean, truth[s]) }
          : { step: s + 1 },
      ),
    );
    blank.dispose();
    mean.dispose();

    $('inputs').replaceChildren(...(await Promise.all(inputs.map((f) => toCanvas(f, zoom)))));
    const cells = [];
    for (let s = 0; s < steps; s++) {
      const cell = document.createElement('div');
      cell.className = 'cell';
      cell.append(await toCanvas(predictions[s], zoom));
      if (truth[s]) cell.append(await toCanvas(truth[s], zoom));
      cell.append(document.createElement('br'), `step ${s + 1}`);
      cells.push(cell);
    }
    $('steps-out').replaceChildren(...cells);
    const body = $('psnr').querySelector('tbody');
    body.replaceChildren(
      ...rows.map((r) => {
        const tr = document.createElement('tr');
        const fmt = (v) => (v === undefined ? '—' : `${v.toFixed(2)} dB`);
        tr.innerHTML = `<td>${r.step}</td><td>${fmt(r.model)}</td><td>${fmt(r.copyLast)}</td><td>${fmt(r.blank)}</td><td>${fmt(r.meanOfInputs)}</td>`;
        return tr;
      }),
    );
    $('psnr').hidden = false;
    animate(inputs, predictions, truth, zoom);
    state.result = { label, width: w, height: h, msPerFrame, psnr: rows, predictions: await Promise.all(predictions.map(async (p) => Array.from(await p.data()))) };
    state.runs = (state.runs || 0) + 1;
    state.tensors = tf.memory().numTensors;
    state.done = true;
    $('status').textContent = `${modelStatus} Predicted ${steps} frames of ${label} (${w}×${h}) in ${msPerFrame.toFixed(0)} ms per frame.`;
  }

  function animate(inputs, predictions, truth, zoom) {
    clearInterval(timer);
    const canvas = $('animation');
    const [h, w] = inputs[0].shape;
    canvas.width = 2 * w;
    canvas.height = h;
    canvas.style.width = `${2 * w * zoom}px`;
    const sequence = [...inputs.map((f) => [f, f]), ...predictions.map((p, s) => [p, truth[s] || p])];
    let i = 0;
    const draw = async () => {
      const [left, right] = sequence[i++ % sequence.length];
      const both = tf.tidy(() => tf.concat([left, right], 1).add(1).div(2).clipByValue(0, 1));
      await tf.browser.toPixels(both, canvas);
      both.dispose();
    };
    draw();
    timer = setInterval(draw, 400);
  }

  const guard = (task) => () => task().catch((error) => fail(error.message || String(error)));
  $('sample').onclick = guard(async () => {
    const clip = clips[Number($('sample-clip').value) || 0];
    const frames = await Promise.all(clip.frames.map(async (f) => toTensor(await loadImage(`sample/${encodeURIComponent(clip.name)}/${encodeURIComponent(f)}`))));
    await run(frames, clip.name);
  });
  $('video-file').onchange = guard(async () => {
    const file = $('video-file').files[0];
    if (!file) return;
    const frames = await videoFrames(file, Number($('fps').value), meta.historyLength + Number($('steps').value), Number($('max-side').value));
    await run(frames, file.name);
  });
  // ?autorun=sample predicts the first sample clip on load (?clip=K another).
  if (params.get('clip')) $('sample-clip').value = params.get('clip');
  if (params.get('autorun') === 'sample' && clips.length) $('sample').click();
})().catch((error) => {
  const el = document.getElementById('error');
  el.textContent = `The page could not start: ${error.message || error}`;
  el.hidden = false;
  window.nextframe = Object.assign(window.nextframe || {}, { error: el.textContent });
});
