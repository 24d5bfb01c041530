import {
  baselineFrames,
  fromBytes,
  fromSigned,
  frameMetrics,
  gaussianWindow,
  meanGradient,
  meanSquaredError,
  movingMask,
  nearBlankSteps,
  psnr,
  PSNR_CAP_DB,
  scoreRecursion,
  sharpnessDifference,
  sharpnessRatio,
  ssim,
  summarize,
  summarizeMethod,
  type MetricImage,
} from './index';

const gray = (width: number, height: number, values: number[]): MetricImage => ({ data: Float32Array.from(values), width, height, channels: 1 });
const constant = (size: number, value: number): MetricImage => gray(size, size, new Array(size * size).fill(value));

describe('psnr', () => {
  it('is 10·log10(1 / MSE) with pixels in [0, 1]', () => {
    // MSE = (0² + 0.5²) / 2 = 0.125 → 10·log10(8).
    const pred = gray(2, 1, [0, 0.5]);
    const truth = gray(2, 1, [0, 0]);
    expect(meanSquaredError(pred, truth)).toBeCloseTo(0.125, 12);
    expect(psnr(pred, truth)).toBeCloseTo(9.0308998699, 9); // 10·log10(8)
  });

  it("reads 6.02 dB lower in the port's [-1, 1] convention", () => {
    const pred = gray(2, 1, [0, 0.5]);
    const truth = gray(2, 1, [0, 0]);
    expect(psnr(pred, truth, { convention: 'port' })).toBeCloseTo(10 * Math.log10(2), 10);
    expect(psnr(pred, truth) - psnr(pred, truth, { convention: 'port' })).toBeCloseTo(20 * Math.log10(2), 10);
  });

  it('counts only masked pixels, and is capped at 100 dB for identical images', () => {
    const pred = gray(2, 1, [0, 0.5]);
    const truth = gray(2, 1, [0, 0]);
    expect(psnr(pred, truth, { mask: Uint8Array.from([0, 1]) })).toBeCloseTo(10 * Math.log10(4), 10);
    expect(psnr(pred, truth, { mask: Uint8Array.from([0, 0]) })).toBeNaN();
    expect(PSNR_CAP_DB).toBe(100);
    expect(psnr(truth, truth)).toBe(100);
    expect(psnr(truth, truth, { convention: 'port' })).toBe(100);
    // MSE 1e-11 would be 110 dB: capped too. MSE 1e-9 is 90 dB: not.
    expect(psnr(gray(1, 1, [Math.sqrt(1e-11)]), gray(1, 1, [0]))).toBe(100);
    expect(psnr(gray(1, 1, [Math.sqrt(1e-9)]), gray(1, 1, [0]))).toBeCloseTo(90, 4);
    expect(() => psnr(pred, gray(1, 2, [0, 0]))).toThrow('images differ in shape');
  });
});

describe('sharpnessDifference', () => {
  it('compares summed absolute gradients', () => {
    // Truth [[0, 1], [0, 0]]: |∂x|+|∂y| = [[1, 1], [0, 0]] (0 past the last column/row); prediction flat: 0.
    // Mean |difference| = 2/4 = 0.5 → 10·log10(2).
    expect(sharpnessDifference(gray(2, 2, [0, 0, 0, 0]), gray(2, 2, [0, 1, 0, 0]))).toBeCloseTo(10 * Math.log10(2), 10);
    // A constant shift keeps every gradient: identical sharpness.
    expect(sharpnessDifference(gray(2, 2, [0.25, 0.75, 0.25, 0.25]), gray(2, 2, [0, 0.5, 0, 0]))).toBe(100);
    // Masked to the bottom row: differences 0 and 0 there… except dy at (1,0) is outside the mask.
    expect(sharpnessDifference(gray(2, 2, [0, 0, 0, 0]), gray(2, 2, [0, 1, 0, 0]), { mask: Uint8Array.from([0, 0, 1, 1]) })).toBe(100);
  });
});

describe('ssim', () => {
  it('uses a normalised 11-tap Gaussian window with σ = 1.5', () => {
    const g = gaussianWindow();
    expect(g).toHaveLength(11);
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // 1 / Σ_{d=-5..5} exp(−d² / 4.5) = 1 / 3.759234 (the untruncated peak would be 1/(1.5·√(2π)) = 0.265962).
    expect(g[5]).toBeCloseTo(0.266012, 6);
    expect(g[0]).toBeCloseTo(g[10], 15);
  });

  it('is 1 for identical images and the luminance term for two constants', () => {
    const noise = gray(16, 13, Array.from({ length: 16 * 13 }, (_, i) => ((i * 37) % 101) / 100));
    expect(ssim(noise, noise)).toBeCloseTo(1, 12);
    // Constants 0.5 and 0.25: σ = 0, so SSIM = (2·0.5·0.25 + C1) / (0.5² + 0.25² + C1), C1 = 0.0001.
    expect(ssim(constant(11, 0.5), constant(11, 0.25))).toBeCloseTo((0.25 + 0.0001) / (0.3125 + 0.0001), 10);
  });

  it('is symmetric, below 1 for a noisy copy, and needs 11×11 images', () => {
    const a = gray(20, 20, Array.from({ length: 400 }, (_, i) => (i % 20) / 19));
    const b = gray(20, 20, Array.from(a.data, (v, i) => Math.min(1, Math.max(0, v + (((i * 7919) % 13) - 6) / 60))));
    expect(ssim(a, b)).toBeCloseTo(ssim(b, a), 12);
    expect(ssim(a, b)).toBeLessThan(0.99);
    expect(ssim(a, b)).toBeGreaterThan(0.3);
    expect(() => ssim(constant(10, 0), constant(10, 0))).toThrow('SSIM needs images of at least 11x11, got 10x10');
  });
});

describe('movingMask, frameMetrics, summarize', () => {
  it('marks pixels whose change exceeds the threshold', () => {
    const previous = fromBytes({ data: Uint8Array.from([0, 0, 0, 10, 10, 10]), width: 2, height: 1 });
    const next = fromBytes({ data: Uint8Array.from([0, 0, 51, 10, 10, 12]), width: 2, height: 1 });
    expect(Array.from(movingMask(previous, next, 0.1))).toEqual([1, 0]);
  });

  it('reports every metric, and the moving-area ones with a mask', () => {
    const truth = gray(12, 12, Array.from({ length: 144 }, (_, i) => (i % 12) / 11));
    const pred = gray(12, 12, Array.from(truth.data, (v) => v * 0.9));
    const mask = new Uint8Array(144).fill(1, 0, 72);
    const m = frameMetrics(pred, truth, { mask });
    expect(m.psnr).toBeCloseTo(psnr(pred, truth), 12);
    expect(m.psnrPort).toBeCloseTo(m.psnr - 20 * Math.log10(2), 10);
    expect(m.ssim).toBeCloseTo(ssim(pred, truth), 12);
    expect(m.moving?.pixels).toBe(72);
    expect(m.moving?.psnr).toBeCloseTo(psnr(pred, truth, { mask }), 12);
  });

  it('converts network output from [-1, 1] and summarises finite values', () => {
    expect(Array.from(fromSigned(Float32Array.from([-1, 0, 1, 3]), 4, 1, 1).data)).toEqual([0, 0.5, 1, 1]);
    const s = summarize([1, 3, Infinity, NaN]);
    expect(s).toEqual({ mean: 2, std: 1, count: 2 });
    // Perfect frames count in the mean, at the cap, and are counted.
    const capped = summarize([90, 100, 100, NaN]);
    expect(capped).toMatchObject({ count: 3, perfect: 2 });
    expect(capped.mean).toBeCloseTo(290 / 3, 12);
    expect(capped.std).toBeCloseTo(Math.sqrt((2 * (10 / 3) ** 2 + (20 / 3) ** 2) / 3), 12);
  });
});

describe('sharpnessRatio', () => {
  it('is the mean |∂x| + |∂y| of the prediction over the truth’s', () => {
    // [[0, 1], [0, 0]]: |∂x|+|∂y| per pixel = (0,0): 1 + 0, (1,0): 0 + 1, bottom row 0 → mean 2/4.
    expect(meanGradient(gray(2, 2, [0, 1, 0, 0]))).toBeCloseTo(0.5, 12);
    // Half the contrast: half the gradient.
    expect(sharpnessRatio(gray(2, 2, [0, 0.5, 0, 0]), gray(2, 2, [0, 1, 0, 0]))).toBeCloseTo(0.5, 12);
    // Blank prediction 0; the truth itself 1; where the edges are does not matter.
    expect(sharpnessRatio(gray(2, 2, [0, 0, 0, 0]), gray(2, 2, [0, 1, 0, 0]))).toBe(0);
    expect(sharpnessRatio(gray(2, 2, [0, 0, 1, 0]), gray(2, 2, [0, 1, 0, 0]))).toBeCloseTo(1, 12);
    // A flat truth has no sharpness to compare with.
    expect(sharpnessRatio(gray(2, 2, [0, 1, 0, 0]), gray(2, 2, [0.3, 0.3, 0.3, 0.3]))).toBeNaN();
  });
});

describe('baselines and recursion scores', () => {
  const inputs = [gray(2, 1, [0.2, 0.4]), gray(2, 1, [0.4, 0.8])];
  it('copy the last input, predict black, or average the inputs', () => {
    const b = baselineFrames(inputs);
    expect(Array.from(b.copyLast.data)).toEqual(Array.from(inputs[1].data));
    expect(Array.from(b.blank.data)).toEqual([0, 0]);
    expect(b.meanOfInputs.data[0]).toBeCloseTo(0.3, 6);
    expect(b.meanOfInputs.data[1]).toBeCloseTo(0.6, 6);
    expect(() => baselineFrames([])).toThrow('at least one input');
  });

  it('score the model and every baseline per step, and summarise over clips', () => {
    const truth = [gray(2, 1, [0.5, 1]), gray(2, 1, [0, 0])];
    const predictions = { model: [gray(2, 1, [0.5, 1]), gray(2, 1, [0, 0.5])] };
    const steps = scoreRecursion({ inputs, truth, predictions });
    expect(steps).toHaveLength(2);
    // Step 1: the model is perfect (capped); blank: MSE (0.25 + 1)/2 = 0.625; copy last: (0.01 + 0.04)/2 = 0.025;
    // mean of inputs: (0.04 + 0.16)/2 = 0.1.
    expect(steps[0].model.psnr).toBe(100);
    expect(steps[0].blank.psnr).toBeCloseTo(10 * Math.log10(1 / 0.625), 5);
    expect(steps[0].copyLast.psnr).toBeCloseTo(10 * Math.log10(1 / 0.025), 5);
    expect(steps[0].meanOfInputs.psnr).toBeCloseTo(10 * Math.log10(1 / 0.1), 5);
    // Step 2 against a black truth: blank is perfect, the model errs by 0.5 in one of 2 pixels (MSE 0.125).
    expect(steps[1].blank.psnr).toBe(100);
    expect(steps[1].model.psnr).toBeCloseTo(10 * Math.log10(8), 5);
    expect(steps[1].blank.brightest).toBe(0);
    expect(steps[1].model.brightest).toBe(0.5);
    const series = summarizeMethod([steps, steps], 'model');
    expect(series.psnr[0]).toEqual({ mean: 100, std: 0, count: 2, perfect: 2 });
    expect(series.psnr[1].mean).toBeCloseTo(10 * Math.log10(8), 5);
    expect(series.brightest[1].mean).toBe(0.5);
  });

  it('flag the steps where the model is within 0.1 dB of the blank frame', () => {
    const at = (...means: number[]) => means.map((mean) => ({ mean, std: 0, count: 1 }));
    expect(nearBlankSteps(at(18, 15.1, 14.3, NaN), at(14.5, 15, 14.36, 14))).toEqual([2, 3]);
    expect(nearBlankSteps(at(18), at(14.5))).toEqual([]);
  });
});
