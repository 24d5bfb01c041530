/**
 * The report in a real browser: Debian's Chromium (`apt-get install chromium`; `npm test` installs
 * it when run as root, see tools/workspace-scripts/ensure-chromium.sh) driven by playwright-core.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { movingSquareFrames, noiseFrames, writeFrameFolder } from '@nextframe/data/testing';
import { writeFolderAtomic } from '@nextframe/files';
import { useTempDir } from '@nextframe/files/testing';
import { checkpointFiles } from '@nextframe/model';
import { tinyCheckpoint } from '@nextframe/model/testing';
import { initTestBackend } from '@nextframe/tf-backend/testing';

const BIN = path.resolve(__dirname, '../../cli/bin/nextframe.js');
const tempDir = useTempDir('report-browser');

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`no Chromium for the report test: tried ${candidates.join(', ')}; install Debian's (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return found;
}

// The page's DOM as far as the test reads it (the workspace compiles without lib "dom"; these run in Chromium).
interface DomElement {
  textContent: string | null;
  getBoundingClientRect(): { width: number };
  querySelectorAll(selector: string): { length: number };
}
interface DomImage extends DomElement {
  alt: string;
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  decode(): Promise<void>;
}
declare const document: { images: ArrayLike<DomImage>; querySelectorAll(selector: string): ArrayLike<DomElement>; querySelector(selector: string): DomElement | null };

let browser: Browser;

beforeAll(async () => {
  await initTestBackend();
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    // This machine has no network: keep Chromium from trying to reach Google's services.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
});

interface PageReport {
  problems: string[];
  images: { alt: string; complete: boolean; width: number; height: number; shownWidth: number }[];
  plots: { lines: number; width: number }[];
  headings: string[];
  firstModelPsnrCell: string;
  screenshot: Buffer;
}

/** Open a page and report every console error, page error, failed request, and how each image and plot rendered. */
async function inspect(file: string): Promise<PageReport> {
  const page: Page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url().slice(0, 80)} ${r.failure()?.errorText}`));
  const response = await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  if (!response?.ok()) problems.push(`load: ${response?.status()}`);
  const found = await page.evaluate(async () => {
    // Decode every image (a broken one rejects) before measuring.
    await Promise.all(Array.from(document.images, (img) => img.decode().catch(() => undefined)));
    return {
      images: Array.from(document.images, (img) => ({ alt: img.alt, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight, shownWidth: img.getBoundingClientRect().width })),
      plots: Array.from(document.querySelectorAll('svg'), (svg) => ({ lines: svg.querySelectorAll('polyline').length, width: svg.getBoundingClientRect().width })),
      headings: Array.from(document.querySelectorAll('h1, h2'), (h) => h.textContent ?? ''),
      firstModelPsnrCell: document.querySelector('section table tbody tr td:nth-child(2)')?.textContent ?? '',
    };
  });
  const screenshot = await page.screenshot({ fullPage: true });
  if (process.env.NEXTFRAME_REPORT_SCREENSHOT) await fs.writeFile(process.env.NEXTFRAME_REPORT_SCREENSHOT, screenshot);
  await page.close();
  return { problems, ...found, screenshot };
}

// One real evaluation (the CLI, on wasm) of two 8-frame clips, 3 recursions: its console table, its
// report.html and its plots are checked below.
let evalDir = '';
let evaluated: { stdout: string; metrics: { summary: Record<string, Record<string, { mean: number; std: number }[]>>; nearBlank: number[] } };
beforeAll(async () => {
  const root = tempDir();
  const testDir = path.join(root, 'frames', 'test');
  await writeFrameFolder(path.join(testDir, 'noise'), noiseFrames(24, 20, 8));
  await writeFrameFolder(path.join(testDir, 'square'), movingSquareFrames({ width: 24, height: 20, count: 8, sizePx: 6, speedPx: 2, y0: 7 }));
  const checkpoint = await tinyCheckpoint({ step: 7, seed: 3 });
  const checkpointDir = path.join(root, 'model');
  await writeFolderAtomic(checkpointDir, checkpointFiles(checkpoint));

  const run = spawnSync(process.execPath, [BIN, 'evaluate', '-n', 'tiny', '-l', checkpointDir, '-t', testDir, '-r', '3', '--backend', 'wasm'], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.status).toBe(0);
  evalDir = path.join(root, 'runs', 'tiny', 'eval');
  evaluated = { stdout: run.stdout, metrics: JSON.parse(await fs.readFile(path.join(evalDir, 'metrics.json'), 'utf8')) };
}, 120000);

describe('nextframe evaluate on the console', () => {
  it('prints the summary table: per step the model\'s PSNR beside every baseline\'s, as in metrics.json', () => {
    const { metrics } = evaluated;
    const [first, header, ...rows] = evaluated.stdout.trimEnd().split('\n');
    expect(first).toBe('evaluate: 2 clips, 3 recursions → runs/tiny/eval/report.html');
    expect(header.trim().split(/\s{2,}/)).toEqual(['step', 'PSNR tiny', 'PSNR copy last frame', 'PSNR blank frame', 'PSNR mean of inputs', 'sharpness ratio tiny']);
    // A fresh tiny model predicts the change 0, i.e. copies the last frame: on these clips that falls
    // below a blank frame by step 3, which the last line says in words.
    expect(rows).toHaveLength(4);
    expect(rows[3]).toBe(
      'warning: at step 3 the model is within 0.1 dB of a blank frame (or below): it has most likely lost the moving objects; look at the strips',
    );
    expect(metrics.nearBlank).toEqual([3]);
    rows.slice(0, 3).forEach((row, k) => {
      const s = metrics.summary;
      const dB = (v: { mean: number }) => `${v.mean.toFixed(2)} dB`;
      expect(row.trim().split(/\s{2,}/)).toEqual([String(k + 1), dB(s.model.psnr[k]), dB(s.copyLast.psnr[k]), dB(s.blank.psnr[k]), dB(s.meanOfInputs.psnr[k]), s.model.sharpnessRatio[k].mean.toFixed(2)]);
    });
  });
});

describe('report.html in Chromium', () => {
  it('loads without errors and shows every strip, animation and plot of a real evaluation, painted', async () => {
    const { metrics } = evaluated;
    const page = await inspect(path.join(evalDir, 'report.html'));
    expect(page.problems).toEqual([]);
    expect(page.headings).toEqual([
      'nextframe evaluation: tiny (step 7, small preset)',
      'PSNR (dB)',
      'Sharpness difference (dB)',
      'Sharpness ratio (prediction’s mean image gradient / truth’s)',
      'Brightest predicted pixel (0–1)',
      'SSIM',
      'PSNR in moving areas (dB)',
      'Clips',
    ]);
    // Per clip: the strip (4 inputs | 3 predictions | 3 truth, 24×20 each, 6 px gaps) and the GIF
    // (prediction | truth with a 4 px gap, enlarged 4×), all decoded at their true size and on screen.
    expect(page.images.map((i) => [i.alt, i.complete, i.width, i.height])).toEqual([
      ['noise: inputs | predictions | truth', true, 10 * 24 + 2 * 6, 20],
      ['noise: animation, prediction | truth', true, (2 * 24 + 4) * 4, 20 * 4],
      ['square: inputs | predictions | truth', true, 10 * 24 + 2 * 6, 20],
      ['square: animation, prediction | truth', true, (2 * 24 + 4) * 4, 20 * 4],
    ]);
    // Small frames are shown enlarged: strips 2×, GIFs at their (already 4×) size; plus a 1 px border.
    expect(page.images.map((i) => i.shownWidth)).toEqual([506, 210, 506, 210]);
    // One plot per metric (480 px and a 1 px border), a line each for the model and the three baselines.
    expect(page.plots).toEqual(Array.from({ length: 6 }, () => ({ lines: 4, width: 482 })));
    const psnr = metrics.summary.model.psnr[0];
    expect(page.firstModelPsnrCell).toBe(`${psnr.mean.toFixed(3)} ± ${psnr.std.toFixed(3)}`);
    // The page really painted: the screenshot is not one flat colour.
    const stats = await sharp(page.screenshot).stats();
    expect(Math.max(...stats.channels.map((c) => c.stdev))).toBeGreaterThan(10);
  });

  it('has plots that also stand alone as SVG files, which the browser renders as images', async () => {
    for (const file of ['psnr.svg', 'sharpness-difference.svg', 'sharpness-ratio.svg', 'brightest.svg', 'ssim.svg', 'moving-psnr.svg']) {
      const svgPage = await browser.newPage();
      const errors: string[] = [];
      svgPage.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await svgPage.goto(pathToFileURL(path.join(evalDir, 'plots', file)).href);
      expect(await svgPage.locator('polyline').count()).toBe(4);
      expect(await svgPage.locator('text', { hasText: 'recursion step' }).count()).toBe(1);
      expect(errors).toEqual([]);
      await svgPage.close();
    }
  });

  it('catches a broken image (so the test above can fail)', async () => {
    const file = path.join(tempDir(), 'broken.html');
    await fs.writeFile(file, '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><img alt="bad" src="data:image/png;base64,AAAA"></body></html>');
    const page = await inspect(file);
    expect(page.images).toEqual([{ alt: 'bad', complete: true, width: 0, height: 0, shownWidth: expect.any(Number) }]);
  });
});
