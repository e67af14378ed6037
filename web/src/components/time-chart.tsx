import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  dash?: number[];
}

export interface TimeChartProps {
  /** Accessible name of the chart; the figures are also given in text beside it. */
  title: string;
  /** Unix seconds. */
  times: number[];
  series: ChartSeries[];
  height?: number;
  yRange?: [number, number];
  /** For an x axis that is not time: how each tick reads (the x values are then plain numbers). */
  xTick?: (value: number) => string;
}

/** A time series chart drawn with uPlot, as wide as its container. */
export function TimeChart({ title, times, series, height = 180, yRange, xTick }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  // Redrawn when the figures change, not whenever a parent passes equal arrays anew.
  const data = JSON.stringify([times, series, yRange]);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      legend: { show: true },
      scales: {
        x: { time: xTick === undefined },
        ...(yRange === undefined ? {} : { y: { range: yRange } }),
      },
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          spanGaps: true,
          ...(s.dash === undefined ? {} : { dash: s.dash }),
        })),
      ],
      axes: [
        {
          stroke: 'currentColor',
          ...(xTick === undefined
            ? {}
            : { values: (_u: uPlot, ticks: number[]) => ticks.map(xTick) }),
        },
        { stroke: 'currentColor' },
      ],
    };
    const plot = new uPlot(options, [times, ...series.map((s) => s.values)], element);
    const observer = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(element.clientWidth, 200), height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, height, xTick]);
  return <div ref={box} className="chart" role="img" aria-label={title} />;
}
