// Charts in notebooks. Every chart is one display bundle:
//   image/svg+xml                  our own SVG: what GitHub, untrusted notebooks and plain viewers show
//   application/vnd.plotly.v1+json the figure, for front ends with the plotly extension
//   text/plain                     a one-line summary (terminals, logs)
// and, in 'interactive' mode, text/html: a div holding the same SVG that a script replaces with a
// live Plotly.newPlot. Front ends prefer text/html, so a trusted notebook shows the plotly chart.
//
// The mode: 'interactive' in a live kernel (a presenter gets hover and zoom without doing
// anything), 'static' outside a notebook and whenever FT_ROBERTA_CHARTS=static. The notebook
// runner sets that for the committed notebooks, so they carry a few kB per chart instead of
// plotly.js (4.8 MB) re-committed on every run.
//
// plotly.js (plotly.js-dist-min on disk, never fetched from the network) is inlined once per
// kernel: in the first interactive chart the kernel shows. The kernel cannot see the page, so it
// cannot know whether the library is still there: a reload re-renders the saved outputs, and the
// first chart's output brings the library back with it, but a page opened on a notebook whose
// first chart was cleared (or never saved) has no plotly.js while the kernel believes it sent it.
// Sending the library with every chart would always work but costs 4.8 MB per chart. So each
// chart's script waits for plotly.js instead (it may still be parsing, or its output may render
// later), draws as soon as it appears, and otherwise leaves the SVG in place: the chart degrades
// to the static image, with a note saying how to send the library again (resetPlotlyLoader()).
import * as fs from 'fs';
import * as crypto from 'crypto';
import { displayBundle, inNotebook, type MimeBundle } from './output';
import type { Chart } from './charts';
import { PALETTE, renderSvg } from './svg';

export * from './charts';

export type ChartMode = 'static' | 'interactive';

export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

let modeOverride: ChartMode | null = null;
let plotlyInlined = false;

export function setChartMode(mode: ChartMode | null): void {
  modeOverride = mode;
}

/**
 * setChartMode(), else FT_ROBERTA_CHARTS ('static' or 'interactive'), else interactive in a
 * notebook and static elsewhere (a terminal prints only the text summary).
 */
export function chartMode(): ChartMode {
  if (modeOverride !== null) return modeOverride;
  const env = process.env.FT_ROBERTA_CHARTS;
  if (env === 'static' || env === 'interactive') return env;
  if (env !== undefined && env !== '') {
    throw new Error(`FT_ROBERTA_CHARTS: expected 'static' or 'interactive', got '${env}'`);
  }
  return inNotebook() ? 'interactive' : 'static';
}

/** Makes the next interactive chart inline plotly.js again (e.g. after the page lost it). */
export function resetPlotlyLoader(): void {
  plotlyInlined = false;
}

const axisTitle = (title: string | undefined): Record<string, unknown> => ({ title: { text: title ?? '' } });

/** Epoch axes: one tick per whole number instead of plotly's 1.2, 1.4, … */
function integerTicks(xs: number[]): Record<string, unknown> {
  const span = Math.max(...xs) - Math.min(...xs);
  return xs.every(Number.isInteger) && span <= 20 ? { tickmode: 'linear', dtick: 1 } : {};
}

export function toPlotlyFigure(chart: Chart): PlotlyFigure {
  const layout: Record<string, unknown> = { title: { text: chart.title }, height: 400, margin: { t: 50 } };
  switch (chart.kind) {
    case 'line':
      return {
        data: chart.series.map((s, i) => ({
          type: 'scatter',
          mode: s.x.length <= 60 ? 'lines+markers' : 'lines',
          name: s.name,
          x: s.x,
          y: s.y,
          line: { color: PALETTE[i % PALETTE.length], ...(s.dash ? { dash: 'dash' } : {}) },
        })),
        layout: {
          ...layout,
          xaxis: { ...axisTitle(chart.xLabel), ...integerTicks(chart.series.flatMap((s) => s.x)) },
          yaxis: axisTitle(chart.yLabel),
        },
      };
    case 'bar':
      return {
        data: chart.series.map((s, i) => ({
          type: 'bar',
          name: s.name,
          x: chart.categories,
          y: s.values,
          marker: { color: PALETTE[i % PALETTE.length] },
        })),
        layout: { ...layout, barmode: 'group', xaxis: axisTitle(chart.xLabel), yaxis: axisTitle(chart.yLabel) },
      };
    case 'histogram': {
      const centres = chart.counts.map((_, i) => chart.binStart + (i + 0.5) * chart.binSize);
      const markers = chart.markers ?? [];
      return {
        data: [
          {
            type: 'bar',
            name: chart.yLabel,
            x: centres,
            y: chart.counts,
            width: chart.binSize,
            marker: { color: PALETTE[0] },
          },
        ],
        layout: {
          ...layout,
          bargap: 0.02,
          xaxis: axisTitle(chart.xLabel),
          yaxis: axisTitle(chart.yLabel),
          shapes: markers.map((m, i) => ({
            type: 'line',
            x0: m.x,
            x1: m.x,
            yref: 'paper',
            y0: 0,
            y1: 1,
            line: { dash: 'dash', color: PALETTE[(i + 1) % PALETTE.length] },
          })),
          annotations: markers.map((m, i) => ({
            x: m.x,
            yref: 'paper',
            y: 1 - 0.07 * i,
            text: m.label,
            showarrow: false,
            xanchor: 'left',
          })),
        },
      };
    }
    case 'heatmap': {
      const max = Math.max(1e-12, ...chart.z.flat());
      return {
        // The SVG's white-to-dark-blue scale (plotly's named 'Blues' runs the other way).
        data: [
          {
            type: 'heatmap',
            z: chart.z,
            x: chart.xCategories,
            y: chart.yCategories,
            colorscale: [
              [0, '#f7fbff'],
              [1, '#08306b'],
            ],
            showscale: false,
          },
        ],
        layout: {
          ...layout,
          xaxis: { ...axisTitle(chart.xLabel), side: 'bottom' },
          yaxis: { ...axisTitle(chart.yLabel), autorange: 'reversed' },
          annotations: chart.z.flatMap((row, r) =>
            row.map((value, c) => ({
              x: chart.xCategories[c],
              y: chart.yCategories[r],
              text: String(value),
              showarrow: false,
              font: { color: value / max > 0.5 ? 'white' : 'black', size: 16 },
            })),
          ),
        },
      };
    }
  }
}

function chartSummary(chart: Chart): string {
  switch (chart.kind) {
    case 'line':
      return (
        `${chart.title}: ` +
        chart.series.map((s) => `${s.name} ${s.y.map((v) => Number(v.toPrecision(4))).join(' → ')}`).join('; ')
      );
    case 'bar':
      return (
        `${chart.title}: ` +
        chart.categories
          .map((c, i) => `${c} ${chart.series.map((s) => Number(s.values[i].toPrecision(4))).join('/')}`)
          .join(', ')
      );
    case 'histogram':
      return (
        `${chart.title}: ${chart.counts.reduce((a, b) => a + b, 0)} values in ${chart.counts.length} bins of ` +
        `${chart.binSize}` +
        (chart.markers ?? []).map((m) => `; ${m.label}`).join('')
      );
    case 'heatmap':
      return (
        `${chart.title} (rows ${chart.yLabel}, columns ${chart.xLabel}): ` +
        chart.z.map((row) => `[${row.join(', ')}]`).join(' ')
      );
  }
}

function plotlyLibraryScript(): string {
  const file = require.resolve('plotly.js-dist-min/plotly.min.js');
  // The bundle contains no "</script"; escaping keeps that true whatever version is installed.
  const source = fs.readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
  return `<script type="text/javascript">${source}</script>`;
}

/** How long a chart waits for plotly.js at first, polling quickly, before it shows its note. */
export const PLOTLY_WAIT_MS = 15_000;
/** After that it keeps looking, slowly, this long (an output that renders late brings the library). */
export const PLOTLY_PATIENCE_MS = 10 * 60_000;

export const PLOTLY_MISSING_NOTE =
  'Static image: plotly.js is not loaded in this page (it comes with the first chart of the kernel session). ' +
  'To get the interactive chart, run resetPlotlyLoader() in a cell, then re-run this one.';

/** The script that turns the SVG placeholder with id `id` into a plotly chart, once plotly.js is there. */
export function drawScript(id: string, figure: PlotlyFigure): string {
  const spec = JSON.stringify(figure).replace(/</g, '\\u003c');
  const note = JSON.stringify(PLOTLY_MISSING_NOTE);
  // Plain ES5 in one function: classic Notebook and JupyterLab run it as an inline <script>.
  return [
    `(function(){var fig=${spec};var el=document.getElementById('${id}');if(!el)return;`,
    'var started=Date.now();var noted=false;',
    "function draw(){el.innerHTML='';el.style.height='400px';",
    'window.Plotly.newPlot(el,fig.data,fig.layout,{responsive:true,displaylogo:false});}',
    "function note(){var p=document.createElement('div');p.style.cssText='font-size:12px;color:#666;margin-top:4px';",
    `p.textContent=${note};el.appendChild(p);noted=true;}`,
    '(function wait(){var waited=Date.now()-started;',
    'if(window.Plotly&&window.Plotly.newPlot){draw();return;}',
    `if(waited>=${PLOTLY_WAIT_MS}&&!noted)note();`,
    `if(waited<${PLOTLY_PATIENCE_MS})setTimeout(wait,waited<${PLOTLY_WAIT_MS}?100:2000);})();})();`,
  ].join('\n');
}

function interactiveHtml(figure: PlotlyFigure, svg: string): string {
  const id = `ft-roberta-plot-${crypto.randomBytes(6).toString('hex')}`;
  let html =
    `<div id="${id}" style="width:100%;max-width:760px">${svg}</div>` +
    `<script type="text/javascript">${drawScript(id, figure)}</script>`;
  if (!plotlyInlined) {
    html = plotlyLibraryScript() + html;
    plotlyInlined = true;
  }
  return html;
}

export function chartBundle(chart: Chart, mode: ChartMode = chartMode()): MimeBundle {
  const svg = renderSvg(chart);
  const figure = toPlotlyFigure(chart);
  const bundle: MimeBundle = {
    'text/plain': chartSummary(chart),
    'image/svg+xml': svg,
    'application/vnd.plotly.v1+json': figure,
  };
  if (mode === 'interactive') bundle['text/html'] = interactiveHtml(figure, svg);
  return bundle;
}

/** Shows a chart in the notebook (or its one-line summary in a terminal). */
export function showChart(chart: Chart, mode: ChartMode = chartMode()): void {
  displayBundle(chartBundle(chart, mode));
}
