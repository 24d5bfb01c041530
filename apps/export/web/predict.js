// The page of `nextframe export`, its model: loaded from model/, and frames predicted
// recursively as nextframe predicts them (padding, feedback), beside the trivial predictors.
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

/** model/model.json: the model (a layers model, or nextframe's generator code) and its metadata. */
async function loadModel() {
  const modelJson = await (await fetch('model/model.json')).json();
  const model = modelJson.format === 'nextframe-generator' ? await loadNextframeGenerator(modelJson) : await tf.loadLayersModel('model/model.json');
  return { model, meta: modelJson.userDefinedMetadata.nextframe };
}

/** One frame [h, w, 3] from a history [h, w, 3·history]: sizes that are not multiples of the network's padded as nextframe pads them (mirrored, the prediction cropped back). */
function framePredictor(model, meta, h, w, label) {
  const m = meta.sizeMultipleOf;
  const padH = (m - (h % m)) % m;
  const padW = (m - (w % m)) % m;
  // Mirroring needs half a multiple.
  if (padH > h || padW > w) throw new Error(`${label}: frames are ${w}×${h} px; the network needs at least ${m / 2}×${m / 2} px (padded to multiples of ${m})`);
  const mode = padH < h && padW < w ? 'reflect' : 'symmetric';
  return (input) =>
    tf.tidy(() => {
      const padded = padH || padW ? tf.mirrorPad(input, [[0, padH], [0, padW], [0, 0]], mode) : input;
      const next = model.predict(padded.expandDims(0)).squeeze([0]);
      return padH || padW ? next.slice([0, 0, 0], [h, w, 3]) : next;
    });
}

/**
 * `steps` frames predicted recursively from the first `history` frames, each fed back as
 * nextframe does (clipped to the pixel range when the model was trained so). Returns the shown
 * predictions (clipped), every tensor made (for the caller to free) and the time per frame.
 */
async function predictRecursively(model, meta, inputs, steps, label) {
  const history = meta.historyLength;
  const [h, w] = inputs[0].shape;
  const predictFrame = framePredictor(model, meta, h, w, label);
  const window_ = inputs.slice();
  const predictions = [];
  const made = [];
  const started = performance.now();
  for (let s = 0; s < steps; s++) {
    const raw = tf.tidy(() => predictFrame(tf.concat(window_.slice(-history), 2)));
    const shown = tf.tidy(() => raw.clipByValue(-1, 1));
    predictions.push(shown);
    made.push(shown);
    if (raw !== shown && !meta.clipFeedback) made.push(raw);
    else raw.dispose();
    window_.push(meta.clipFeedback ? shown : raw);
  }
  await predictions[predictions.length - 1].data();
  return { predictions, made, msPerFrame: (performance.now() - started) / steps };
}

/** PSNR per step of the model and of the trivial predictors every figure stands beside: a blank frame, the last input, the mean of the inputs. */
async function psnrRows(inputs, predictions, truth) {
  const [h, w] = inputs[0].shape;
  const blank = tf.fill([h, w, 3], -1);
  const last = inputs[inputs.length - 1];
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
  return rows;
}
