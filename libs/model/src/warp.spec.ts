import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { constantFlow, image3x3 as image, rounded as values, warpGradients } from './warp-testing';
import { warpBilinear } from './warp';

beforeAll(async () => {
  await initTestBackend();
});

describe('warpBilinear', () => {
  it('samples image[y + fy, x + fx] bilinearly, clamped at the border', () => {
    const img = image();
    // Half a pixel right: (0+1)/2 = 0.5, (1+2)/2 = 1.5, then the border 2 repeats.
    expect(values(warpBilinear(img, constantFlow(0.5, 0)))).toEqual([0.5, 1.5, 2, 3.5, 4.5, 5, 6.5, 7.5, 8]);
    // A whole pixel down: row 1 at row 0; the last row repeats.
    expect(values(warpBilinear(img, constantFlow(0, 1)))).toEqual([3, 4, 5, 6, 7, 8, 6, 7, 8]);
    // Both by 0.5 at (0, 0): (0 + 1 + 3 + 4) / 4 = 2.
    expect(values(warpBilinear(img, constantFlow(0.5, 0.5)))[0]).toBe(2);
    // Zero flow is the identity.
    expect(values(warpBilinear(img, constantFlow(0, 0)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    img.dispose();
  });

  it('has the gradients of finite differences in flow and image, none past the border, and leaks no tensors', () => {
    const { gradFlow, gradImage, numericFlow, numericImage, leaked } = warpGradients(warpBilinear, [0.3, 0.2, -0.4, 0.6, 0.1, -0.3, 0.7, 0.9, 0.25, 0.25, 5, 0, 0.2, 0.1, -0.6, -0.2, 0.4, 0.45]);
    expect(leaked).toBe(0);
    for (let i = 0; i < 18; i++) expect(gradFlow[i]).toBeCloseTo(numericFlow[i], 2);
    for (let i = 0; i < 9; i++) expect(gradImage[i]).toBeCloseTo(numericImage[i], 2);
    // Pixel (1, 2)'s x flow, 5, samples past the right border: no gradient along x.
    expect(Math.abs(gradFlow[10])).toBe(0); // −0 on TensorFlow (a negative slope times the mask)
  });

  it('refuses a flow of another size in one line', () => {
    const img = image();
    const flow = tf.zeros([1, 3, 2, 2]) as tf.Tensor4D;
    expect(() => warpBilinear(img, flow)).toThrow('warpBilinear: flow 1x3x2x2 must be image 1x3x3x2');
    tf.dispose([img, flow]);
  });
});
