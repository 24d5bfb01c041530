import { accuracyOverSteps, describeJudgement, judgementScalars, meanDiscriminatorStats } from './step-report';

const twoSteps = [
  { realMean: [0.5, 0.9], generatedMean: [0.5, 0.1], accuracy: [0.5, 1] },
  { realMean: [0.7, 0.6], generatedMean: [0.3, 0.2], accuracy: [0.75, 0.5] },
];

describe('meanDiscriminatorStats', () => {
  it('averages each scale over the steps', () => {
    const mean = meanDiscriminatorStats(twoSteps);
    expect(mean.realMean.map((v) => v.toFixed(6))).toEqual(['0.600000', '0.750000']);
    expect(mean.generatedMean.map((v) => v.toFixed(6))).toEqual(['0.400000', '0.150000']);
    expect(mean.accuracy).toEqual([0.625, 0.75]);
  });
});

describe('accuracyOverSteps', () => {
  it('gives the mean and the standard error of the per-step accuracies, per scale', () => {
    // Scale 0: 0.5, 0.75 → mean 0.625, sample variance 0.03125, standard error √(0.03125 / 2) = 0.125.
    // Scale 1: 1, 0.5 → mean 0.75, sample variance 0.125, standard error 0.25.
    const { mean, standardError } = accuracyOverSteps(twoSteps);
    expect(mean).toEqual([0.625, 0.75]);
    expect(standardError[0]).toBeCloseTo(0.125, 12);
    expect(standardError[1]).toBeCloseTo(0.25, 12);
  });

  it('has no spread for one step, and none when every step agrees', () => {
    expect(accuracyOverSteps([twoSteps[0]]).standardError).toEqual([0, 0]);
    expect(accuracyOverSteps([twoSteps[1], twoSteps[1], twoSteps[1]]).standardError).toEqual([0, 0]);
  });
});

describe('describeJudgement', () => {
  it('names the window and gives each scale its accuracy ± standard error, coarsest first', () => {
    expect(describeJudgement(twoSteps)).toBe(
      'D accuracy over the last 2 steps 0.63±0.13 0.75±0.25 (mean ± standard error, coarsest scale first), D(real) 0.60 0.75, D(generated) 0.40 0.15',
    );
  });
});

describe('judgementScalars', () => {
  it('names one mean and one standard error per scale', () => {
    expect(judgementScalars(twoSteps)).toEqual({
      'discriminator/scale0/accuracy_last_steps': 0.625,
      'discriminator/scale0/accuracy_last_steps_stderr': expect.closeTo(0.125, 12),
      'discriminator/scale1/accuracy_last_steps': 0.75,
      'discriminator/scale1/accuracy_last_steps_stderr': expect.closeTo(0.25, 12),
    });
  });
});
