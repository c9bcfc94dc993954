/**
 * Boxes are LaSOT rectangles `[x, y, w, h]`: top-left corner in 1-based pixel coordinates, width and height in
 * pixels. A sequence of boxes is stored flat in a `Float64Array` (4 numbers per frame) so that scoring hundreds
 * of thousands of frames stays allocation-free.
 */
export type Box = readonly [x: number, y: number, w: number, h: number];

/** Flat `[x0, y0, w0, h0, x1, y1, ...]` boxes of one sequence, 4 numbers per frame. */
export type BoxSeries = Float64Array;

/** Number of frames in a flat box series. */
export function frameCount(series: BoxSeries): number {
  return series.length >> 2;
}

/** The box of frame `index` (0-based) of a series. */
export function boxAt(series: BoxSeries, index: number): Box {
  const o = index * 4;
  return [series[o]!, series[o + 1]!, series[o + 2]!, series[o + 3]!];
}

/** Packs a list of boxes into a flat series. */
export function toBoxSeries(boxes: readonly Box[]): BoxSeries {
  const series = new Float64Array(boxes.length * 4);
  boxes.forEach((box, i) => {
    series.set(box, i * 4);
  });
  return series;
}

/** Unpacks a flat series into a list of boxes. */
export function fromBoxSeries(series: BoxSeries): Box[] {
  const boxes: Box[] = [];
  for (let i = 0; i < frameCount(series); i++) boxes.push(boxAt(series, i));
  return boxes;
}
