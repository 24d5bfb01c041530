import { PANEL, curvePoint, curveScales, curveSvg, curveTable, type LearningCurve } from './learning-curve';
import type { EvaluationReport } from './evaluate-run';

const flat = (v: number) => ({ psnr: [v, v], ssim: [0.5, 0.5], brightest: [1, 1], sharpnessRatio: [1, 1] });

/** Two runs of two recursion steps; PSNR from 12 to 20 dB, baselines at 13, 14 and 15 dB. */
const curve: LearningCurve = {
  testDir: 'held/out',
  clips: 6,
  recursions: 2,
  runs: [
    {
      name: 'plain',
      points: [
        { step: 100, seconds: 30, psnr: [12, 13], ssim: [0.4, 0.3], brightest: [1, 1], sharpnessRatio: [0.5, 0.5] },
        { step: 400, seconds: 600, psnr: [20, 16], ssim: [0.8, 0.6], brightest: [1, 1], sharpnessRatio: [0.7, 0.6] },
      ],
    },
    { name: 'adversarial', points: [{ step: 300, psnr: [18, 15], ssim: [0.7, 0.5], brightest: [1, 1], sharpnessRatio: [0.9, 0.8] }] },
  ],
  baselines: { blank: flat(13), copyLast: flat(14), meanOfInputs: flat(15) },
};

describe('learning curve', () => {
  it('scales every panel from step 0 to the last checkpoint and over every value shown, with 5% margins', () => {
    expect(curveScales(curve, 'psnr')).toEqual({ maxStep: 400, lo: 12 - 0.4, hi: 20 + 0.4 });
    expect(curveScales(curve, 'ssim')).toEqual({ maxStep: 400, lo: expect.closeTo(0.3 - 0.025, 12), hi: expect.closeTo(0.8 + 0.025, 12) });
  });

  it('draws a line per run and a dashed line per trivial predictor in each recursion step’s panel', () => {
    const svg = curveSvg(curve, 'psnr', 'PSNR (dB)');
    expect(svg.match(/<polyline class="run"/g)).toHaveLength(2 * 2);
    expect(svg.match(/<line class="baseline"/g)).toHaveLength(3 * 2);
    // plain's checkpoints in step 1's panel: x = left + step / 400 × width, y = top + height − (v − 11.6) / 8.8 × height.
    const x = (step: number) => (PANEL.left + (step / 400) * PANEL.width).toFixed(1);
    const y = (v: number) => (PANEL.top + PANEL.height - ((v - 11.6) / 8.8) * PANEL.height).toFixed(1);
    expect(svg).toContain(`points="${x(100)},${y(12)} ${x(400)},${y(20)}"`);
    // Step 2's panel starts one panel and a gap to the right: the adversarial run's single point.
    expect(svg).toContain(`points="${(Number(x(300)) + PANEL.width + PANEL.gap).toFixed(1)},${y(15)}"`);
    expect(svg).toContain(`y1="${y(13)}"`); // the blank frame's 13 dB
    expect(svg).toContain('plain (2 checkpoints, 10 min of training)');
    expect(svg).toContain('adversarial (1 checkpoints, time not recorded of training)');
    expect(svg).toContain('copy last frame');
  });

  it('tabulates each checkpoint and the baselines', () => {
    expect(curveTable(curve).split('\n')).toEqual([
      '| run | step | training time | PSNR 1 / 2 | SSIM 1 / 2 |',
      '| --- | --- | --- | --- | --- |',
      '| plain | 100 | 30 s | 12.00 / 13.00 | 0.400 / 0.300 |',
      '| plain | 400 | 10 min | 20.00 / 16.00 | 0.800 / 0.600 |',
      '| adversarial | 300 | time not recorded | 18.00 / 15.00 | 0.700 / 0.500 |',
      '| copy last frame | – | – | 14.00 / 14.00 | 0.500 / 0.500 |',
      '| blank frame | – | – | 13.00 / 13.00 | 0.500 / 0.500 |',
      '| mean of inputs | – | – | 15.00 / 15.00 | 0.500 / 0.500 |',
    ]);
  });

  it("takes a checkpoint's point from the means of its evaluation", () => {
    const series = (values: number[]) => values.map((mean) => ({ mean, std: 0, min: mean, max: mean }));
    const model = { psnr: series([17, 15]), ssim: series([0.6, 0.4]), brightest: series([0.9, 0.8]), sharpnessRatio: series([0.7, 0.6]), sharpnessDifference: series([1, 1]), movingPsnr: series([1, 1]) };
    const report = { summary: { model } } as unknown as EvaluationReport;
    expect(curvePoint(900, 61.5, report)).toEqual({ step: 900, seconds: 61.5, psnr: [17, 15], ssim: [0.6, 0.4], brightest: [0.9, 0.8], sharpnessRatio: [0.7, 0.6] });
    expect(curvePoint(900, undefined, report)).not.toHaveProperty('seconds');
  });
});
