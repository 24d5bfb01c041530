import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { constantFlow, flowOf, image3x3 as image, rounded as values, warpGradients } from './warp-testing';
import { splatBilinear, splatCovered } from './splat';

beforeAll(async () => {
  await initTestBackend();
});

describe('splatBilinear', () => {
  it('moves each source pixel by its flow and shares it bilinearly; what leaves the image is dropped', () => {
    const img = image();
    // Half a pixel right: each pixel keeps half and gives half to its right neighbour; the right column's half leaves.
    expect(values(splatBilinear(img, constantFlow(0.5, 0)))).toEqual([0, 0.5, 1.5, 1.5, 3.5, 4.5, 3, 6.5, 7.5]);
    // A whole pixel down: row 0 lands on row 1, row 2 leaves, nothing lands on row 0.
    expect(values(splatBilinear(img, constantFlow(0, 1)))).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 5]);
    // Both by 0.5: pixel 4 (value 4) sends a quarter to (1,1), (1,2), (2,1) and (2,2) each; sum at (2,2) = (4 + 5 + 7 + 8) / 4.
    expect(values(splatBilinear(img, constantFlow(0.5, 0.5)))[8]).toBe(6);
    expect(values(splatBilinear(img, constantFlow(0, 0)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    img.dispose();
  });

  it('adds what lands on one pixel and leaves black where a thing moved away (the flow is at the source)', () => {
    const img = image();
    const flow = flowOf([[0, 0], [0, 0], [0, 0], [0, 0], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0]]);
    // The centre (4) moves right onto 5: 4 + 5 = 9 there, 0 where it was.
    expect(values(splatBilinear(img, flow))).toEqual([0, 1, 2, 3, 0, 9, 6, 7, 8]);
    // Everything inside stays inside: the total is kept (0 + … + 8 = 36), even with fractional moves.
    const inward = flowOf([[0.3, 0.2], [0.4, 0.1], [-0.5, 0.6], [0.2, -0], [0.7, 0.3], [-0.9, 0.2], [0.5, -0.5], [0.1, -0.8], [-0.3, -0.7]]);
    expect(tf.sum(splatBilinear(img, inward)).dataSync()[0]).toBeCloseTo(36, 4);
    tf.dispose([img, flow, inward]);
  });

  it('has the gradients of finite differences in flow and image, none from outside the image, and leaks no tensors', () => {
    // Fractional targets (bilinear weights are only piecewise smooth); pixel (1, 2) moves 5 px right, out of the image.
    const { gradFlow, gradImage, numericFlow, numericImage, leaked } = warpGradients(splatBilinear, [0.3, 0.2, -0.4, 0.6, 0.1, -0.3, 0.7, 0.9, 0.25, 0.35, 5, 0.3, 0.2, 0.1, -0.6, -0.2, 0.4, -0.45]);
    expect(leaked).toBe(0);
    for (let i = 0; i < 18; i++) expect(gradFlow[i]).toBeCloseTo(numericFlow[i], 2);
    for (let i = 0; i < 9; i++) expect(gradImage[i]).toBeCloseTo(numericImage[i], 2);
    // Pixel (1, 2) lands outside: no gradient to its flow or its value.
    expect(Math.abs(gradFlow[10]) + Math.abs(gradFlow[11]) + Math.abs(gradImage[5])).toBe(0);
    // And a hand-computed one: pixel (0, 0) (value 0) sends nothing, so its flow gets no gradient.
    expect(Math.abs(gradFlow[0]) + Math.abs(gradFlow[1])).toBe(0);
  });

  it('refuses a flow of another size in one line', () => {
    const img = image();
    const flow = tf.zeros([1, 3, 2, 2]) as tf.Tensor4D;
    expect(() => splatBilinear(img, flow)).toThrow('splatBilinear: flow 1x3x2x2 must be image 1x3x3x2');
    tf.dispose([img, flow]);
  });
});

describe('splatCovered (splatCoverage)', () => {
  it('sum adds, normalize averages what crowds onto a pixel, fill keeps the old value where too little lands', () => {
    const img = image();
    // The centre (4) moves right onto 5: coverage 0 where it was, 2 where it lands.
    const flow = flowOf([[0, 0], [0, 0], [0, 0], [0, 0], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0]]);
    expect(values(splatCovered(img, flow, 'sum'))).toEqual([0, 1, 2, 3, 0, 9, 6, 7, 8]);
    expect(values(splatCovered(img, flow, 'normalize'))).toEqual([0, 1, 2, 3, 0, 4.5, 6, 7, 8]);
    expect(values(splatCovered(img, flow, 'fill'))).toEqual([0, 1, 2, 3, 4, 4.5, 6, 7, 8]);
    // Half a pixel right: the left column gets only its own half (coverage 0.5), nothing crowds.
    const half = constantFlow(0.5, 0);
    expect(values(splatCovered(img, half, 'normalize'))).toEqual([0, 0.5, 1.5, 1.5, 3.5, 4.5, 3, 6.5, 7.5]);
    expect(values(splatCovered(img, half, 'fill'))).toEqual([0, 0.5, 1.5, 3, 3.5, 4.5, 6, 6.5, 7.5]);
    // Nothing moves: every mode is the image.
    const still = constantFlow(0, 0);
    for (const mode of ['sum', 'normalize', 'fill'] as const) expect(values(splatCovered(img, still, mode))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    tf.dispose([img, flow, half, still]);
  });

  it('has the gradients finite differences give, leaving no tensors behind', () => {
    // Fractional moves that crowd some pixels (coverage over 1) and leave others short (under 1).
    const flowValues = [0.3, 0.2, 0.6, 0.1, -0.4, 0.3, 0.2, -0.1, 0.7, 0.3, -0.2, 0.4, 0.1, -0.6, 0.4, -0.3, -0.2, -0.7];
    for (const mode of ['normalize', 'fill'] as const) {
      const g = warpGradients((img, flow) => splatCovered(img, flow, mode), flowValues);
      expect(g.leaked).toBe(0);
      g.gradFlow.forEach((v, i) => expect(v).toBeCloseTo(g.numericFlow[i], 2));
      g.gradImage.forEach((v, i) => expect(v).toBeCloseTo(g.numericImage[i], 2));
    }
  });
});
