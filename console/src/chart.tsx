import { BarChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';

// One chart, drawn by Apache ECharts on a canvas (the console's CSP allows no inline styles,
// which ECharts' SVG and HTML tooltips would need). The figures are also in a table beside each
// chart, for screen readers and for copying. Only the pieces drawn are imported (echarts/core:
// bars, no pies), and ECharts is a chunk of its own (console/vite.config.ts).

echarts.use([
  BarChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  AriaComponent,
  CanvasRenderer,
]);

export interface Series {
  name: string;
  values: number[];
}

/** TLP 2.0 colours for markings; a neutral palette otherwise. */
export const TLP_COLOURS: Record<string, string> = {
  CLEAR: '#cfd8dc',
  GREEN: '#33a532',
  AMBER: '#ffc000',
  AMBER_STRICT: '#c77c00',
  RED: '#e0001b',
};
const PALETTE = ['#0b5cad', '#8a5a00', '#6f42c1', '#1a7f37', '#bc4c00', '#57606a'];

export function Chart(props: {
  label: string;
  categories: string[];
  series: Series[];
  colours?: string[];
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const chart = echarts.init(host.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      aria: { enabled: true, label: { description: props.label } },
      animation: false,
      color: props.colours ?? PALETTE,
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      legend: props.series.length > 1 ? { top: 0 } : undefined,
      grid: {
        left: 8,
        right: 8,
        bottom: 8,
        top: props.series.length > 1 ? 32 : 8,
        containLabel: true,
      },
      xAxis: {
        type: 'category',
        data: props.categories,
        axisLabel: { interval: 0, rotate: props.categories.length > 5 ? 30 : 0 },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: props.series.map((s, i) => ({
        type: 'bar',
        name: s.name,
        data: s.values,
        itemStyle:
          props.colours && props.series.length === 1
            ? { color: (p: { dataIndex: number }) => props.colours?.[p.dataIndex] }
            : { color: PALETTE[i % PALETTE.length] },
      })),
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [props.label, JSON.stringify(props.categories), JSON.stringify(props.series)]);
  return <div class="chart" ref={host} role="img" aria-label={props.label} />;
}
