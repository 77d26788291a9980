// Spend over time stacked by a dimension, drawn with uPlot (small and fast: the console's whole bundle stays light).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatUsd } from '../format.js';

export interface Series {
  label: string;
  values: number[];
}

const PALETTE = ['#2f5bd3', '#d3582f', '#2f9e6b', '#9b4dca', '#c9a227', '#1f8fa6', '#c7407a', '#6b7a8f'];

interface Props {
  /** Seconds since the epoch, one per bucket. */
  times: number[];
  series: Series[];
  title: string;
}

/** Cumulative sums, bottom series first, so each band is drawn over the one below. */
function stack(series: Series[]): number[][] {
  const out: number[][] = [];
  series.forEach((s, i) => out.push(s.values.map((v, k) => v + (i ? out[i - 1]![k]! : 0))));
  return out;
}

export function StackedChart({ times, series, title }: Props) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const stacked = stack(series);
    const options: uPlot.Options = {
      width: el.clientWidth || 800,
      height: 260,
      title: undefined,
      scales: { x: { time: true } },
      axes: [
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
        {
          stroke: 'currentColor',
          grid: { stroke: 'rgba(128,128,128,0.2)' },
          values: (_, ticks) => ticks.map((t) => formatUsd(t)),
          size: 90,
        },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length]!,
          fill: PALETTE[i % PALETTE.length]! + '99',
          value: (_: uPlot, v: number | null, __: number, idx: number | null) =>
            idx === null || v === null ? '–' : formatUsd(series[i]!.values[idx]!),
        })),
      ],
      bands: series.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] })),
    };
    const plot = new uPlot(options, [times, ...stacked] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series]);
  return <div className="chart" ref={host} role="img" aria-label={title} />;
}
