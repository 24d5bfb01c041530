import { divergedLoss } from './train-step';

describe('divergedLoss', () => {
  it('is the first loss that is not finite, in the order the step logs them', () => {
    expect(divergedLoss({ scalars: { 'loss/generator': 1, 'loss/lp': Number.NaN, 'loss/gdl': Infinity } })).toBeNaN();
    expect(divergedLoss({ scalars: { 'loss/generator': 1, 'loss/lp': 0.5, 'loss/discriminator': -Infinity } })).toBe(-Infinity);
  });

  it('ignores what is not a loss: a perfect batch has an infinite PSNR', () => {
    expect(divergedLoss({ scalars: { 'loss/generator': 0, 'loss/lp': 0, 'train/psnr': Infinity } })).toBeUndefined();
  });
});
