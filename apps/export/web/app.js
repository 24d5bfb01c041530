// The page of `nextframe export`: loads model/model.json with TF.js, takes the first `history`
// frames of a video (or of the bundled sample clip), predicts frames recursively and shows them
// beside the truth with PSNR per step, next to the copy-last and blank-frame baselines.
// Plain browser JavaScript, no build step. window.nextframe exposes the results (for tests).
'use strict';
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

  // The fastest backend this browser has (webgpu is not bundled: webgl, then wasm, then cpu);
  // ?backend=wasm forces one.
  tf.wasm.setWasmPaths(new URL('vendor/', location.href).href);
  // WebGL drawn in software (no GPU: SwiftShader, llvmpipe) is ~20× slower than wasm here.
  const softwareGl = (() => {
    try {
      const gl = document.createElement('canvas').getContext('webgl');
      const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : '';
      return /swiftshader|llvmpipe|software/i.test(renderer) ? renderer : null;
    } catch {
      return null;
    }
  })();
  const order = params.get('backend') ? [params.get('backend')] : ['webgpu', ...(softwareGl ? [] : ['webgl']), 'wasm', 'cpu'];
  state.softwareGl = softwareGl;
  for (const name of order) {
    if (!tf.findBackendFactory(name)) continue;
    try {
      if (await tf.setBackend(name)) break;
    } catch {
      // this backend failed to start: try the next one
    }
  }
  await tf.ready();
  state.backend = tf.getBackend();
  const modelJson = await (await fetch('model/model.json')).json();
  const meta = modelJson.userDefinedMetadata.nextframe;
  const model = await tf.loadLayersModel('model/model.json');
  state.meta = meta;
  $('status').textContent = `TF.js backend: ${state.backend}${softwareGl && !params.get('backend') ? ` (WebGL here is software, ${softwareGl}: wasm is faster)` : ''}. Model: ${meta.run || 'a checkpoint'} at step ${meta.step} (${meta.config.preset} preset), ${meta.historyLength} input frames, sizes in multiples of ${meta.sizeMultipleOf} px.`;
  const sample = await fetch('sample/frames.json').then((r) => (r.ok ? r.json() : null), () => null);
  const hasSample = Boolean(sample && sample.frames.length);
  if (hasSample) $('sample').disabled = false;
  state.ready = true;

  /** RGBA ImageData → [h, w, 3] in [-1, 1]. */
  const toTensor = (image) =>
    tf.tidy(() => tf.browser.fromPixels(image).toFloat().div(127.5).sub(1));
  const toCanvas = async (frame, zoom) => {
    const canvas = document.createElement('canvas');
    const [h, w] = frame.shape;
    canvas.width = w;
    canvas.height = h;
    await tf.browser.toPixels(tf.tidy(() => frame.add(1).div(2).clipByValue(0, 1)), canvas);
    canvas.style.width = `${w * zoom}px`;
    return canvas;
  };
  const psnr = (a, b) =>
    tf.tidy(() => {
      const mse = a.sub(b).div(2).square().mean().dataSync()[0];
      return mse === 0 ? 100 : Math.min(100, 10 * Math.log10(1 / mse));
    });

  async function loadImage(url) {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  }

  /** Frames of a video file, by seeking at the given frame rate. */
  async function videoFrames(file, fps, count) {
    const video = $('video');
    video.src = URL.createObjectURL(file);
    await new Promise((resolve, reject) => {
      video.onloadeddata = resolve;
      video.onerror = () => reject(new Error(`${file.name}: this browser cannot decode the video`));
    });
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
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
      context.drawImage(video, 0, 0);
      frames.push(toTensor(context.getImageData(0, 0, canvas.width, canvas.height)));
    }
    return frames;
  }

  async function run(frames, label) {
    $('error').hidden = true;
    const steps = Number($('steps').value);
    const zoom = Number($('zoom').value);
    const history = meta.historyLength;
    const m = meta.sizeMultipleOf;
    if (frames.length < history) throw new Error(`${label}: ${frames.length} frames, the model needs ${history} to start`);
    const [h0, w0] = frames[0].shape;
    const [h, w] = [h0 - (h0 % m), w0 - (w0 % m)];
    if (h < m || w < m) throw new Error(`${label}: frames are ${w0}×${h0} px, smaller than the network's ${m}×${m} px`);
    // Sizes that are not multiples of the network's are cropped to one (nextframe reflect-pads).
    const sized = frames.map((f) => (h === h0 && w === w0 ? f : tf.tidy(() => f.slice([0, 0, 0], [h, w, 3]))));
    const inputs = sized.slice(0, history);
    const truth = sized.slice(history, history + steps);
    const window_ = inputs.slice();
    const predictions = [];
    const started = performance.now();
    for (let s = 0; s < steps; s++) {
      const raw = tf.tidy(() => model.predict(tf.concat(window_.slice(-history), 2).expandDims(0)).squeeze([0]));
      const shown = tf.tidy(() => raw.clipByValue(-1, 1));
      predictions.push(shown);
      // Fed back as nextframe does: clipped to the pixel range when the model was trained so.
      window_.push(meta.clipFeedback ? shown : raw);
    }
    await predictions[predictions.length - 1].data();
    const msPerFrame = (performance.now() - started) / steps;
    const blank = tf.fill([h, w, 3], -1);
    const last = inputs[history - 1];
    const rows = predictions.map((p, s) => (truth[s] ? { step: s + 1, model: psnr(p, truth[s]), copyLast: psnr(last, truth[s]), blank: psnr(blank, truth[s]) } : { step: s + 1 }));
    blank.dispose();

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
        tr.innerHTML = `<td>${r.step}</td><td>${fmt(r.model)}</td><td>${fmt(r.copyLast)}</td><td>${fmt(r.blank)}</td>`;
        return tr;
      }),
    );
    $('psnr').hidden = false;
    animate(inputs, predictions, truth, zoom);
    state.result = { label, width: w, height: h, msPerFrame, psnr: rows, predictions: await Promise.all(predictions.map(async (p) => Array.from(await p.data()))) };
    state.done = true;
    $('status').textContent += ` Predicted ${steps} frames of ${label} (${w}×${h}) in ${msPerFrame.toFixed(0)} ms per frame.`;
  }

  let timer;
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
    const frames = await Promise.all(sample.frames.map(async (f) => toTensor(await loadImage(`sample/${f}`))));
    await run(frames, sample.name);
  });
  $('video-file').onchange = guard(async () => {
    const file = $('video-file').files[0];
    if (!file) return;
    const frames = await videoFrames(file, Number($('fps').value), meta.historyLength + Number($('steps').value));
    await run(frames, file.name);
  });
  if (params.get('autorun') === 'sample' && hasSample) $('sample').click();
})().catch((error) => {
  const el = document.getElementById('error');
  el.textContent = `The page could not start: ${error.message || error}`;
  el.hidden = false;
  window.nextframe = Object.assign(window.nextframe || {}, { error: el.textContent });
});
