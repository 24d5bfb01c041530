// The exported page in a real browser: Debian's Chromium driven by playwright-core (as the
// report's test), the page served by `serveFolder`, the TF.js wasm backend in the browser.
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { chromium, type Browser } from 'playwright-core';
import { CheckpointStore } from '@nextframe/checkpoints';
import { movingSquareFrames, writeFrameFolder } from '@nextframe/data/testing';
import { useTempDir } from '@nextframe/files/testing';
import { createGenerator, predictRecursively, serializeCheckpoint, type Generator, type ModelConfig } from '@nextframe/model';
import { tinyModelConfig } from '@nextframe/model/testing';
import { resolveFfmpeg, type RgbImage } from '@nextframe/media';
import { initTestBackend, withoutOneDnnNotice } from '@nextframe/tf-backend/testing';
import { serveFolder } from './serve-folder';

const BIN = path.resolve(__dirname, '../../cli/bin/nextframe.js');
// A fresh folder per test: each exports to web/ and writes its own frames/test.
const tempDir = useTempDir('export-page', { each: true });

interface PageState {
  ready: boolean;
  done: boolean;
  backend: string | null;
  error: string | null;
  softwareGl?: string | null;
  softwareGpu?: string | null;
  webgpuAvailable?: boolean;
  runs?: number;
  tensors?: number;
  result?: { label: string; width: number; height: number; psnr: { step: number; model?: number; copyLast?: number; blank?: number; meanOfInputs?: number }[]; predictions: number[][] };
}
declare const window: { nextframe: PageState };

function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => Boolean(p) && existsSync(p as string));
  if (!found) throw new Error('no Chromium for the page test: install Debian\'s (apt-get install chromium) or set CHROMIUM_PATH');
  return found;
}

/**
 * A tiny generator saved as runs/NAME under `root`: its initial weights, or (with `perturbSeed`)
 * moved by N(0, 0.05) noise so its predictions are not just the last frame. Dispose it after.
 */
async function saveRun(root: string, name: string, options: { config?: ModelConfig; seed?: number; step?: number; perturbSeed?: number } = {}): Promise<Generator> {
  const { config = tinyModelConfig({ downsampling: 'area' }), seed = 1, step = 1, perturbSeed } = options;
  const generator = createGenerator(config, seed);
  if (perturbSeed !== undefined) {
    for (const p of generator.parameters) p.variable.assign(tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.05, 'float32', perturbSeed)));
  }
  await new CheckpointStore(path.join(root, 'runs', name, 'checkpoints')).save(await serializeCheckpoint({ generator, step, seed }));
  return generator;
}

/** An untrained tiny model as runs/tiny under `root`, for the tests that need any model. */
async function saveTinyRun(root: string): Promise<void> {
  (await saveRun(root, 'tiny')).dispose();
}

/** `nextframe export ARGS --out web` in `root` (it must succeed), then web/ served on a free port. */
async function exportAndServe(root: string, ...args: string[]) {
  const exported = spawnSync(process.execPath, [BIN, 'export', ...args, '--out', 'web'], { cwd: root, encoding: 'utf8' });
  expect(withoutOneDnnNotice(exported.stderr)).not.toMatch(/error/i);
  expect(exported.status).toBe(0);
  return { stdout: exported.stdout, server: await serveFolder(path.join(root, 'web')) };
}

/** Open `url` in `browser`, collecting console errors, page errors and failed requests. */
async function openPage(on: Browser, url: string, until: string) {
  const page = await on.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(url);
  await page.waitForFunction(until, undefined, { timeout: 90000 });
  return { page, problems, state: await page.evaluate(() => window.nextframe) };
}

/** The largest difference, in 8-bit levels, between the page's predictions and nextframe's. */
function worstLevel(page: number[][], ours: { data: Uint8Array | Uint8ClampedArray | number[] }[]): number {
  let worst = 0;
  page.forEach((values, s) => values.forEach((v, i) => (worst = Math.max(worst, Math.abs((v + 1) * 127.5 - ours[s].data[i])))));
  return worst;
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser;
beforeAll(async () => {
  await initTestBackend();
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, '--disable-gpu'],
  });
});
afterAll(async () => {
  await browser?.close();
});

const DONE = 'window.nextframe && (window.nextframe.done || window.nextframe.error)';
const READY = 'window.nextframe && (window.nextframe.ready || window.nextframe.error)';
type Opened = Awaited<ReturnType<typeof openPage>>;

/** `server`'s page at `query` in `on` (default: the wasm browser), checked by `check`; then the page, the server and `generator` closed, whatever happens. */
async function onPage(
  args: { server: { url: string; close(): Promise<void> }; query?: string; until: string; on?: Browser; generator?: Generator },
  check: (opened: Opened) => Promise<void>,
): Promise<void> {
  const opened = await openPage(args.on ?? browser, `${args.server.url}${args.query ?? ''}`, args.until);
  try {
    await check(opened);
  } finally {
    await opened.page.close();
    await args.server.close();
    args.generator?.dispose();
  }
}

/** The page's finished prediction: no error, four steps scored, and every pixel within one 8-bit level of nextframe's own (`predictRecursively` in Node, wasm). */
function predictedAsNextframe(state: PageState, generator: Generator, frames: readonly RgbImage[]): NonNullable<PageState['result']> {
  expect(state.error).toBeNull();
  const result = state.result as NonNullable<PageState['result']>;
  expect(result.psnr.map((r) => r.step)).toEqual([1, 2, 3, 4]);
  expect(worstLevel(result.predictions, predictRecursively(generator, frames.slice(0, 4), 4))).toBeLessThanOrEqual(1);
  return result;
}

describe('the exported page predicts a sample clip as nextframe does', () => {
  it("predicts a sample clip in Chromium (wasm) within 1/255 per pixel, padding sizes that are not multiples of 8 as nextframe does", async () => {
    const root = tempDir();
    const generator = await saveRun(root, 'mine', { config: tinyModelConfig({ downsampling: 'area', predictChange: true }), seed: 5, step: 7, perturbSeed: 9 });
    // 44×26: padded to 48×32 by mirroring, as nextframe's generator pads; two test videos.
    const frames = movingSquareFrames({ width: 44, height: 26, count: 12, sizePx: 8, speedPx: 3, y0: 6 });
    await writeFrameFolder(path.join(root, 'frames', 'test', 'a-square'), movingSquareFrames({ width: 44, height: 26, count: 30, sizePx: 4, speedPx: 1 }));
    await writeFrameFolder(path.join(root, 'frames', 'test', 'b-square'), frames);
    const { stdout, server } = await exportAndServe(root, '-n', 'mine', '--sample', 'frames/test');
    expect(stdout).toContain('export: 2 sample clips from frames/test (a-square, b-square)\n');
    // Each clip: its first history + 16 frames (a-square has 30, b-square 12).
    const list = JSON.parse(await fs.readFile(path.join(root, 'web', 'sample', 'clips.json'), 'utf8'));
    expect(list.clips.map((c: { name: string; frames: string[] }) => [c.name, c.frames.length])).toEqual([['a-square', 20], ['b-square', 12]]);

    await onPage({ server, query: '?backend=wasm&autorun=sample&clip=1', until: DONE, generator }, async ({ page, problems, state }) => {
      expect(state.backend).toBe('wasm');
      expect(await page.textContent('#status')).toContain('TF.js backend: wasm. Model: mine at step 7');
      const result = predictedAsNextframe(state, generator, frames);
      expect(result.label).toBe('b-square');
      expect([result.width, result.height]).toEqual([44, 26]);
      expect(await page.locator('#steps-out canvas').count()).toBe(8);
      expect(await page.locator('#sample-clip option').allTextContents()).toEqual(['a-square (20 frames)', 'b-square (12 frames)']);
      // The same clip again: the first run's tensors are freed (no tensor leak), the same prediction.
      await page.click('#sample');
      await page.waitForFunction(() => window.nextframe.runs === 2 && window.nextframe.done, undefined, { timeout: 60000 });
      const again = await page.evaluate(() => window.nextframe);
      expect(again.tensors).toBe(state.tensors);
      expect(again.result?.predictions).toEqual(result.predictions);
      expectTrivialScores(result, frames);
      expect(await page.locator('#psnr tbody tr').count()).toBe(4);
      expect(await page.locator('#psnr tbody tr').first().locator('td').allTextContents()).toEqual(
        ['1', result.psnr[0].model, result.psnr[0].copyLast, result.psnr[0].blank, result.psnr[0].meanOfInputs].map((v, i) => (i === 0 ? String(v) : `${(v as number).toFixed(2)} dB`)),
      );
      expect(problems).toEqual([]);
    });
  }, 120000);
});

describe('the exported page predicts as nextframe does with a flow model and on webgpu', () => {
  it('predicts with a flow model (constant-velocity prior, forward splatting with fill, moveBlurPx) from its bundled generator.js', async () => {
    const root = tempDir();
    const config = tinyModelConfig({ downsampling: 'area', predictChange: true, flowPx: 1, flowWarp: 'forward', splatCoverage: 'fill', priorFlowSpan: 3, priorFlowWindowPx: 9, priorFlowSmoothPx: 5, priorFlowInput: true, moveBlurPx: 0.6 });
    const generator = await saveRun(root, 'flow', { config, seed: 3, step: 11, perturbSeed: 4 });
    // A square moving 2 px a frame, 40×24 (padded to 40×24: already multiples of 8).
    const frames = movingSquareFrames({ width: 40, height: 24, count: 12, sizePx: 6, speedPx: 2, y0: 8 });
    await writeFrameFolder(path.join(root, 'frames', 'test', 'square'), frames);
    const { stdout, server } = await exportAndServe(root, '-n', 'flow', '--sample', 'frames/test');
    expect(stdout).toContain('export: step 11 of flow');
    const json = JSON.parse(await fs.readFile(path.join(root, 'web', 'model', 'model.json'), 'utf8'));
    expect(json.format).toBe('nextframe-generator');
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(generator.parameters.map((p) => p.key));
    expect(await fs.readFile(path.join(root, 'web', 'model', 'generator.js'), 'utf8')).toMatch(/^\/\/ nextframe's generator for the browser/);
    await onPage({ server, query: '?backend=wasm&autorun=sample', until: DONE, generator }, async ({ problems, state }) => {
      const result = predictedAsNextframe(state, generator, frames);
      expect([result.width, result.height]).toEqual([40, 24]);
      // Not the last frame: the prior carries the square on.
      expect(worstLevel(result.predictions.slice(0, 1), [frames[3]])).toBeGreaterThan(100);
      expect(problems).toEqual([]);
    });
  }, 120000);

  it('runs on the bundled webgpu backend where the browser has an adapter (SwiftShader here): within 1/255 of nextframe, and not chosen by itself when it is software', async () => {
    const root = tempDir();
    const generator = await saveRun(root, 'tiny', { seed: 3, step: 2, perturbSeed: 4 });
    const frames = movingSquareFrames({ width: 32, height: 24, count: 8, sizePx: 6, speedPx: 2, y0: 4 });
    await writeFrameFolder(path.join(root, 'frames', 'test', 'square'), frames);
    const { server } = await exportAndServe(root, '-n', 'tiny', '--sample', 'frames/test');
    // Chromium gives WebGPU its software adapter only when asked to.
    const gpuBrowser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'] });
    try {
      const auto = await openPage(gpuBrowser, server.url, READY);
      expect(auto.state.error).toBeNull();
      expect(auto.state.webgpuAvailable).toBe(true);
      expect(auto.state.softwareGpu).toBe('swiftshader');
      expect(auto.state.backend).not.toBe('webgpu');
      expect(await auto.page.textContent('#status')).toMatch(/^TF\.js backend: \w+ \(WebGPU \(swiftshader\)( and WebGL \(.+\))? (is|are) drawn in software here: wasm is faster\)\./);
      await auto.page.close();
      await onPage({ server, query: '?backend=webgpu&autorun=sample', until: DONE, on: gpuBrowser, generator }, async ({ problems, state }) => {
        expect(state.backend).toBe('webgpu');
        predictedAsNextframe(state, generator, frames);
        expect(problems).toEqual([]);
      });
    } finally {
      await gpuBrowser.close();
    }
  }, 180000);
});

describe('the exported page picks its backend, and refuses frames too small', () => {
  it('picks webgl only when the browser draws it on a GPU, else wasm, and says so; no WebGPU adapter without a GPU', async () => {
    const root = tempDir();
    await saveTinyRun(root);
    const { server } = await exportAndServe(root, '-n', 'tiny');
    await onPage({ server, until: READY }, async ({ page, problems, state }) => {
      expect(state.error).toBeNull();
      expect(state.webgpuAvailable).toBe(false);
      expect(state.backend).toBe(state.softwareGl ? 'wasm' : 'webgl');
      expect(await page.textContent('#status')).toContain(`TF.js backend: ${state.backend}${state.softwareGl ? ` (WebGL (${state.softwareGl}) is drawn in software here: wasm is faster)` : ''}.`);
      // No sample clips exported (the tiny run records no test frames): the button stays disabled.
      expect(await page.locator('#sample').isDisabled()).toBe(true);
      expect(problems).toEqual([]);
    });
  }, 120000);

  it('shows a visible message for frames too small to pad to the network\'s 8×8 px', async () => {
    const root = tempDir();
    await saveTinyRun(root);
    await writeFrameFolder(path.join(root, 'small'), movingSquareFrames({ width: 3, height: 3, count: 8, sizePx: 1, speedPx: 1 }));
    const { server } = await exportAndServe(root, '-n', 'tiny', '--sample', 'small');
    await onPage({ server, query: '?backend=wasm&autorun=sample', until: 'window.nextframe && window.nextframe.error' }, async ({ page }) => {
      expect(await page.locator('#error').isVisible()).toBe(true);
      expect(await page.textContent('#error')).toBe('small: frames are 3×3 px; the network needs at least 4×4 px (padded to multiples of 8)');
    });
  }, 120000);
});

describe("the exported page takes the user's videos", () => {
  it('predicts a video file the browser decodes (H.264 from the real ffmpeg), scaled down on request, and says so of one it cannot', async () => {
    const root = tempDir();
    await saveTinyRun(root);
    await writeFrameFolder(path.join(root, 'frames'), movingSquareFrames({ width: 48, height: 32, count: 12, sizePx: 10, speedPx: 2, y0: 8 }));
    const video = path.join(root, 'square.mp4');
    const encoded = spawnSync(resolveFfmpeg().path, ['-v', 'error', '-framerate', '10', '-i', path.join(root, 'frames', '%06d.png'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video], { encoding: 'utf8' });
    expect(encoded.stderr).toBe('');
    const broken = path.join(root, 'broken.mp4');
    await fs.writeFile(broken, 'not a video at all');
    const { server } = await exportAndServe(root, '-n', 'tiny');
    await onPage({ server, query: '?backend=wasm', until: 'window.nextframe && window.nextframe.ready' }, async ({ page, problems }) => {
      const predictVideo = async (file: string) => {
        await page.evaluate(() => (window.nextframe.done = false));
        await page.setInputFiles('#video-file', []);
        await page.setInputFiles('#video-file', file);
        await page.waitForFunction(() => window.nextframe.done || window.nextframe.error, undefined, { timeout: 60000 });
        return page.evaluate(() => window.nextframe);
      };
      const state = await predictVideo(video);
      expect(state.error).toBeNull();
      const result = state.result as NonNullable<PageState['result']>;
      expect([result.width, result.height]).toEqual([48, 32]);
      // Truth frames came out of the video: every step is scored, copy-last below a perfect frame.
      expect(result.psnr.map((r) => r.step)).toEqual([1, 2, 3, 4]);
      for (const r of result.psnr) expect(r.copyLast).toBeGreaterThan(5);
      for (const r of result.psnr) expect(r.copyLast).toBeLessThan(40);
      expect(problems).toEqual([]);

      // Scaled down to a longer side of 24 px: 48×32 → 24×16, still the same scene.
      await page.fill('#max-side', '24');
      const scaled = (await predictVideo(video)).result as NonNullable<PageState['result']>;
      expect([scaled.width, scaled.height]).toEqual([24, 16]);
      for (const r of scaled.psnr) expect(r.copyLast).toBeGreaterThan(5);

      await page.setInputFiles('#video-file', broken);
      await page.waitForFunction(() => window.nextframe.error, undefined, { timeout: 60000 });
      expect(await page.locator('#error').isVisible()).toBe(true);
      expect(await page.textContent('#error')).toBe('broken.mp4: this browser cannot decode the video');
    });
  }, 120000);
});

/** The page's PSNR of the trivial predictors at step 1, by hand from the frames: copy-last, the mean of the four inputs, a blank frame. */
function expectTrivialScores(result: NonNullable<PageState['result']>, frames: readonly RgbImage[]): void {
  const truth = frames[4].data;
  const psnrOf = (predicted: (i: number) => number) => 10 * Math.log10(1 / (truth.reduce((sum, v, i) => sum + ((v - predicted(i)) / 255) ** 2, 0) / truth.length));
  expect(result.psnr[0].copyLast).toBeCloseTo(psnrOf((i) => frames[3].data[i]), 3);
  expect(result.psnr[0].meanOfInputs).toBeCloseTo(psnrOf((i) => (frames[0].data[i] + frames[1].data[i] + frames[2].data[i] + frames[3].data[i]) / 4), 3);
  expect(result.psnr[0].blank).toBeCloseTo(psnrOf(() => 0), 3);
}
