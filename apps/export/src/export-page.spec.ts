/**
 * The exported page in a real browser: Debian's Chromium driven by playwright-core (as the
 * report's test), the page served by `serveFolder`, the TF.js wasm backend in the browser.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { chromium, type Browser } from 'playwright-core';
import { CheckpointStore } from '@nextframe/checkpoints';
import { movingSquareFrames, writeFrameFolder } from '@nextframe/data/testing';
import { useTempDir } from '@nextframe/files/testing';
import { createGenerator, predictRecursively, serializeCheckpoint } from '@nextframe/model';
import { tinyModelConfig } from '@nextframe/model/testing';
import { resolveFfmpeg } from '@nextframe/media';
import { initBackend } from '@nextframe/tf-backend';
import { serveFolder } from './serve-folder';

const BIN = path.resolve(__dirname, '../../cli/bin/nextframe.js');
const tempDir = useTempDir('export-page');

interface PageState {
  ready: boolean;
  done: boolean;
  backend: string | null;
  error: string | null;
  result?: { width: number; height: number; psnr: { step: number; model?: number; copyLast?: number; blank?: number }[]; predictions: number[][] };
}
declare const window: { nextframe: PageState };

function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => Boolean(p) && existsSync(p as string));
  if (!found) throw new Error('no Chromium for the page test: install Debian\'s (apt-get install chromium) or set CHROMIUM_PATH');
  return found;
}

/** An untrained tiny model as runs/tiny under `root`, for the tests that need any model. */
async function saveTinyRun(root: string): Promise<void> {
  const generator = createGenerator(tinyModelConfig({ downsampling: 'area' }), 1);
  await new CheckpointStore(path.join(root, 'runs', 'tiny', 'checkpoints')).save(await serializeCheckpoint({ generator, step: 1, seed: 1 }));
  generator.dispose();
}

let browser: Browser;
beforeAll(async () => {
  await initBackend('wasm');
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
});

describe('the exported page', () => {
  it("predicts the sample clip in Chromium (wasm) as nextframe does, within 1/255 per pixel, with no console errors", async () => {
    const root = tempDir();
    const config = tinyModelConfig({ downsampling: 'area', predictChange: true });
    const generator = createGenerator(config, 5);
    for (const p of generator.parameters) p.variable.assign(tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.05, 'float32', 9)));
    await new CheckpointStore(path.join(root, 'runs', 'mine', 'checkpoints')).save(await serializeCheckpoint({ generator, step: 7, seed: 5 }));
    const frames = movingSquareFrames({ width: 40, height: 24, count: 12, sizePx: 8, speedPx: 3, y0: 6 });
    await writeFrameFolder(path.join(root, 'frames', 'test', 'square'), frames);
    const exported = spawnSync(process.execPath, [BIN, 'export', '-n', 'mine', '--out', 'web', '--sample', 'frames/test'], { cwd: root, encoding: 'utf8' });
    expect(exported.stderr).not.toMatch(/error/i);
    expect(exported.status).toBe(0);

    const server = await serveFolder(path.join(root, 'web'));
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    try {
      await page.goto(`${server.url}?backend=wasm&autorun=sample`);
      await page.waitForFunction(() => window.nextframe && (window.nextframe.done || window.nextframe.error), undefined, { timeout: 60000 });
      const state = await page.evaluate(() => window.nextframe);
      expect(state.error).toBeNull();
      expect(state.backend).toBe('wasm');
      expect(await page.textContent('#status')).toContain('TF.js backend: wasm. Model: mine at step 7');
      const result = state.result as NonNullable<PageState['result']>;
      expect([result.width, result.height]).toEqual([40, 24]);
      expect(result.psnr.map((r) => r.step)).toEqual([1, 2, 3, 4]);
      expect(await page.locator('#steps-out canvas').count()).toBe(8);

      // nextframe's own recursive prediction of the same frames (8-bit, wasm in Node).
      const ours = predictRecursively(generator, frames.slice(0, 4), 4);
      let worst = 0;
      result.predictions.forEach((values, s) => values.forEach((v, i) => (worst = Math.max(worst, Math.abs((v + 1) * 127.5 - ours[s].data[i])))));
      expect(worst).toBeLessThanOrEqual(1);
      // The page's PSNR of copy-last against the truth, by hand from the frames.
      const mse = frames[4].data.reduce((sum, v, i) => sum + ((v - frames[3].data[i]) / 255) ** 2, 0) / frames[4].data.length;
      expect(result.psnr[0].copyLast).toBeCloseTo(10 * Math.log10(1 / mse), 3);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await server.close();
      generator.dispose();
    }
  }, 120000);

  it('picks webgl only when the browser draws it on a GPU, else wasm, and says so', async () => {
    const root = tempDir();
    await saveTinyRun(root);
    expect(spawnSync(process.execPath, [BIN, 'export', '-n', 'tiny', '--out', 'web'], { cwd: root, encoding: 'utf8' }).status).toBe(0);
    const server = await serveFolder(path.join(root, 'web'));
    const page = await browser.newPage();
    try {
      await page.goto(server.url);
      await page.waitForFunction(() => window.nextframe && (window.nextframe.ready || window.nextframe.error), undefined, { timeout: 60000 });
      const state = await page.evaluate(() => window.nextframe as PageState & { softwareGl: string | null });
      expect(state.backend).toBe(state.softwareGl ? 'wasm' : 'webgl');
      expect(await page.textContent('#status')).toContain(`TF.js backend: ${state.backend}`);
      // No sample clip exported: its button stays disabled.
      expect(await page.locator('#sample').isDisabled()).toBe(true);
    } finally {
      await page.close();
      await server.close();
    }
  }, 120000);

  it('predicts a video file the browser decodes (H.264 from the real ffmpeg), and says so of one it cannot', async () => {
    const root = tempDir();
    await saveTinyRun(root);
    await writeFrameFolder(path.join(root, 'frames'), movingSquareFrames({ width: 48, height: 32, count: 12, sizePx: 10, speedPx: 2, y0: 8 }));
    const video = path.join(root, 'square.mp4');
    const encoded = spawnSync(resolveFfmpeg().path, ['-v', 'error', '-framerate', '10', '-i', path.join(root, 'frames', '%06d.png'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video], { encoding: 'utf8' });
    expect(encoded.stderr).toBe('');
    const broken = path.join(root, 'broken.mp4');
    await fs.writeFile(broken, 'not a video at all');
    expect(spawnSync(process.execPath, [BIN, 'export', '-n', 'tiny', '--out', 'web'], { cwd: root, encoding: 'utf8' }).status).toBe(0);
    const server = await serveFolder(path.join(root, 'web'));
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    try {
      await page.goto(`${server.url}?backend=wasm`);
      await page.waitForFunction(() => window.nextframe && window.nextframe.ready, undefined, { timeout: 60000 });
      await page.setInputFiles('#video-file', video);
      await page.waitForFunction(() => window.nextframe.done || window.nextframe.error, undefined, { timeout: 60000 });
      const state = await page.evaluate(() => window.nextframe);
      expect(state.error).toBeNull();
      const result = state.result as NonNullable<PageState['result']>;
      expect([result.width, result.height]).toEqual([48, 32]);
      // Truth frames came out of the video: every step is scored, copy-last below a perfect frame.
      expect(result.psnr.map((r) => r.step)).toEqual([1, 2, 3, 4]);
      for (const r of result.psnr) expect(r.copyLast).toBeGreaterThan(5);
      for (const r of result.psnr) expect(r.copyLast).toBeLessThan(40);
      expect(problems).toEqual([]);

      await page.setInputFiles('#video-file', broken);
      await page.waitForFunction(() => window.nextframe.error, undefined, { timeout: 60000 });
      expect(await page.locator('#error').isVisible()).toBe(true);
      expect(await page.textContent('#error')).toBe('broken.mp4: this browser cannot decode the video');
    } finally {
      await page.close();
      await server.close();
    }
  }, 120000);

  it('shows a visible message for frames smaller than the network', async () => {
    const root = tempDir();
    await saveTinyRun(root);
    await writeFrameFolder(path.join(root, 'small'), movingSquareFrames({ width: 6, height: 6, count: 8, sizePx: 2, speedPx: 1 }));
    expect(spawnSync(process.execPath, [BIN, 'export', '-n', 'tiny', '--out', 'web', '--sample', 'small'], { cwd: root, encoding: 'utf8' }).status).toBe(0);
    const server = await serveFolder(path.join(root, 'web'));
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}?backend=wasm&autorun=sample`);
      await page.waitForFunction(() => window.nextframe && window.nextframe.error, undefined, { timeout: 60000 });
      expect(await page.locator('#error').isVisible()).toBe(true);
      expect(await page.textContent('#error')).toBe("small: frames are 6×6 px, smaller than the network's 8×8 px");
    } finally {
      await page.close();
      await server.close();
    }
  }, 120000);
});
