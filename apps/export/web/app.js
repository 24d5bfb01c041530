// The page of `nextframe export`: loads model/model.json with TF.js, takes the first `history`
// frames of a video (or of a bundled sample clip), predicts frames recursively and shows them
// beside the truth with PSNR per step, next to the copy-last, blank-frame and mean-of-inputs baselines.
// Plain browser JavaScript, no build step; index.html loads backend.js, frames.js, predict.js and
// view.js before this file. window.nextframe exposes the results (for tests).
'use strict';

/** `run(frames, label)`: predict from a clip's frames and show it all; the tensors of the run on screen are freed when the next one starts. */
function runner(model, meta, state, modelStatus) {
  let held = [];
  return async function run(frames, label) {
    stopAnimation();
    for (const t of held) t.dispose();
    held = frames.slice();
    state.done = false;
    $('error').hidden = true;
    const steps = Number($('steps').value);
    const zoom = Number($('zoom').value);
    const history = meta.historyLength;
    if (frames.length < history) throw new Error(`${label}: ${frames.length} frames, the model needs ${history} to start`);
    const [h, w] = frames[0].shape;
    const inputs = frames.slice(0, history);
    const truth = frames.slice(history, history + steps);
    const { predictions, made, msPerFrame } = await predictRecursively(model, meta, inputs, steps, label);
    held.push(...made);
    const rows = await psnrRows(inputs, predictions, truth);
    await showResults(inputs, predictions, truth, rows, zoom);
    animate(inputs, predictions, truth, zoom);
    state.result = { label, width: w, height: h, msPerFrame, psnr: rows, predictions: await Promise.all(predictions.map(async (p) => Array.from(await p.data()))) };
    state.runs = (state.runs || 0) + 1;
    state.tensors = tf.memory().numTensors;
    state.done = true;
    $('status').textContent = `${modelStatus} Predicted ${steps} frames of ${label} (${w}×${h}) in ${msPerFrame.toFixed(0)} ms per frame.`;
  };
}

(async function main() {
  const params = new URLSearchParams(location.search);
  const state = (window.nextframe = { ready: false, done: false, backend: null, error: null });
  const fail = (message) => {
    state.error = message;
    $('error').textContent = message;
    $('error').hidden = false;
  };
  window.addEventListener('unhandledrejection', (e) => fail(String(e.reason && e.reason.message ? e.reason.message : e.reason)));
  const why = await chooseBackend(params.get('backend'), state);
  state.backend = tf.getBackend();
  const { model, meta } = await loadModel();
  state.meta = meta;
  const modelStatus = `TF.js backend: ${state.backend}${why}. Model: ${meta.run || 'a checkpoint'} at step ${meta.step} (${meta.config.preset} preset), ${meta.historyLength} input frames, sizes in multiples of ${meta.sizeMultipleOf} px.`;
  $('status').textContent = modelStatus;
  const samples = await fetch('sample/clips.json').then((r) => (r.ok ? r.json() : { clips: [] }), () => ({ clips: [] }));
  const clips = samples.clips || [];
  listSampleClips(clips);
  state.ready = true;

  const run = runner(model, meta, state, modelStatus);
  const guard = (task) => () => task().catch((error) => fail(error.message || String(error)));
  $('sample').onclick = guard(async () => {
    const clip = clips[Number($('sample-clip').value) || 0];
    const frames = await Promise.all(clip.frames.map(async (f) => toTensor(await loadImage(`sample/${encodeURIComponent(clip.name)}/${encodeURIComponent(f)}`))));
    await run(frames, clip.name);
  });
  $('video-file').onchange = guard(async () => {
    const file = $('video-file').files[0];
    if (!file) return;
    const frames = await videoFrames($('video'), file, Number($('fps').value), meta.historyLength + Number($('steps').value), Number($('max-side').value));
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
