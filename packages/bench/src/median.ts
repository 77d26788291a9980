/** The middle value (the upper middle of an even count), the figure benches compare across repeated runs. */
export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
