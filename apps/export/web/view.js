// The page of `nextframe export`, what it shows: inputs, prediction | truth per step, the PSNR
// table and an animation.
'use strict';

const $ = (id) => document.getElementById(id);

/** The inputs, a cell per step (prediction above the truth), and the PSNR table. */
async function showResults(inputs, predictions, truth, rows, zoom) {
  $('inputs').replaceChildren(...(await Promise.all(inputs.map((f) => toCanvas(f, zoom)))));
  const cells = [];
  for (let s = 0; s < predictions.length; s++) {
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
}

let animationTimer;

/** The inputs, then prediction | truth per step, side by side on the animation canvas, every 400 ms. */
function animate(inputs, predictions, truth, zoom) {
  stopAnimation();
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
  animationTimer = setInterval(draw, 400);
}

function stopAnimation() {
  clearInterval(animationTimer);
}

/** The sample clips in their menu; the button and menu off when there are none. */
function listSampleClips(clips) {
  $('sample-clip').replaceChildren(
    ...clips.map((clip, i) => {
      const option = document.createElement('option');
      option.value = String(i);
      option.textContent = `${clip.name} (${clip.frames.length} frames)`;
      return option;
    }),
  );
  $('sample').disabled = $('sample-clip').disabled = !clips.length;
}
