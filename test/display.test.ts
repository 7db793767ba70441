import { test, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { ProgressBar, formatDuration } from '../lib/display/progress';
import { setDisplaySink, inNotebook, displayBundle, type DisplayMessage } from '../lib/display/output';
import {
  chartBundle,
  confusionMatrixChart,
  lengthHistogram,
  lossCurves,
  metricCurves,
  barChart,
  resetPlotlyLoader,
  toPlotlyFigure,
  timingBars,
  chartMode,
  showChart,
  drawScript,
  PLOTLY_MISSING_NOTE,
  PLOTLY_WAIT_MS,
  PLOTLY_PATIENCE_MS,
  type PlotlyFigure,
} from '../lib/display/plots';
import { runnerChartMode } from '../scripts/run-notebooks';
import { renderSvg, niceTicks } from '../lib/display/svg';
import { tableHtml, tableText, dataFrameRows } from '../lib/display/html';

afterEach(() => setDisplaySink(null));

/** A stand-in for a terminal or a log file: collects what is written. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { output: string } {
  const stream = {
    isTTY,
    output: '',
    write(chunk: string): boolean {
      stream.output += chunk;
      return true;
    },
  };
  return stream as unknown as NodeJS.WriteStream & { output: string };
}

test('terminal: one line redrawn with \\r, a newline only at the end, rate and values shown', async () => {
  const stream = fakeStream(true);
  const bar = new ProgressBar({ total: 50, description: 'Epoch 1/1', unit: 'batch', stream, minIntervalMs: 0 });
  for (let i = 0; i < 50; i++) await bar.tick(1, { loss: 0.5 });
  await bar.close();
  assert.equal(stream.output.split('\n').length, 2, 'exactly one newline');
  assert.ok(stream.output.endsWith('\n'));
  const last = stream.output.trimEnd().split('\r').at(-1)!;
  assert.match(last, /^Epoch 1\/1: 100% \|█+\| 50\/50 \[\d\d:\d\d<00:00, [\d.]+ (batch\/s|s\/batch), loss=0\.5000\]$/);
});

test('log (not a TTY): about one line per 10 percent, never one per step', async () => {
  const stream = fakeStream(false);
  const bar = new ProgressBar({ total: 1000, stream, minIntervalMs: 0 });
  for (let i = 0; i < 1000; i++) await bar.tick();
  await bar.close();
  const lines = stream.output.trimEnd().split('\n');
  assert.ok(lines.length >= 10 && lines.length <= 12, `${lines.length} lines`);
  assert.match(lines.at(-1)!, /100% .* 1000\/1000/);
});

test('notebook: one display updated in place, redraws throttled, the final state always drawn', async () => {
  const messages: { message: DisplayMessage; update: boolean }[] = [];
  setDisplaySink((message, update) => messages.push({ message, update }));
  assert.ok(inNotebook());
  const bar = new ProgressBar({ total: 2000, description: 'Validation', minIntervalMs: 200 });
  for (let i = 0; i < 2000; i++) await bar.tick();
  await bar.close();
  assert.ok(messages.length >= 2 && messages.length <= 10, `${messages.length} display messages for 2000 steps`);
  assert.equal(messages[0].update, false);
  assert.ok(
    messages.slice(1).every((m) => m.update),
    'later messages update the first',
  );
  const ids = new Set(messages.map((m) => m.message.transient.display_id));
  assert.equal(ids.size, 1, 'all messages share one display_id');
  const final = messages.at(-1)!.message.data;
  assert.match(String(final['text/plain']), /100% .* 2000\/2000/);
  assert.match(String(final['text/html']), /width:100\.0%/);
});

test('redraws yield to the event loop, so queued callbacks (display flushes, SIGINT) run mid-loop', async () => {
  let ran = false;
  setImmediate(() => (ran = true));
  const bar = new ProgressBar({ total: 3, mode: 'log', stream: fakeStream(false), minIntervalMs: 0 });
  await bar.tick();
  assert.ok(ran, 'the setImmediate callback ran during tick()');
});

test('a tslab kernel is found through its loaded jupyter module, without requiring tslab', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-tslab-'));
  const file = path.join(dir, 'tslab', 'dist', 'jupyter.js');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'exports.lastWriteDisplayData = null;\n');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fake = require(file) as { lastWriteDisplayData: ((m: DisplayMessage, u: boolean) => void) | null };
  try {
    assert.equal(inNotebook(), false, 'loaded but not executing a cell yet');
    const seen: DisplayMessage[] = [];
    fake.lastWriteDisplayData = (message) => seen.push(message);
    assert.ok(inNotebook());
    displayBundle({ 'text/plain': 'hello', 'text/html': '<b>hello</b>' });
    assert.deepEqual(seen[0].data, { 'text/plain': 'hello', 'text/html': '<b>hello</b>' });
  } finally {
    delete require.cache[file];
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(inNotebook(), false);
});

const history = [
  { epoch: 1, trainLoss: 0.6, evalLoss: 0.5, evalAccuracy: 0.7, evalF1: 0.68 },
  { epoch: 2, trainLoss: 0.4, evalLoss: 0.45, evalAccuracy: 0.8, evalF1: 0.79 },
];

test('static charts: SVG + plotly JSON + text, no HTML and no plotly.js', () => {
  const bundle = chartBundle(lossCurves(history), 'static');
  assert.deepEqual(Object.keys(bundle).sort(), ['application/vnd.plotly.v1+json', 'image/svg+xml', 'text/plain']);
  const svg = String(bundle['image/svg+xml']);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2, 'train and validation lines');
  assert.ok(svg.length < 20000, `svg is ${svg.length} bytes`);
  assert.match(String(bundle['text/plain']), /train loss 0.6 → 0.4; validation loss 0.5 → 0.45/);
  const figure = bundle['application/vnd.plotly.v1+json'] as { data: { y: number[] }[] };
  assert.deepEqual(figure.data[1].y, [0.5, 0.45]);
});

test('interactive charts inline plotly.js once per session, then only Plotly.newPlot', () => {
  resetPlotlyLoader();
  const first = String(chartBundle(metricCurves(history), 'interactive')['text/html']);
  const second = String(chartBundle(metricCurves(history), 'interactive')['text/html']);
  assert.ok(first.length > 3_000_000, 'the first chart carries plotly.js');
  assert.ok(second.length < 30_000, `the second does not (${second.length} bytes)`);
  for (const html of [first, second]) {
    assert.match(html, /Plotly\.newPlot/);
    assert.match(html, /<svg xmlns/, 'the SVG stays as the placeholder until plotly draws');
  }
  assert.equal((first.match(/plotly\.js v\d/g) ?? []).length, 1);
});

/** Runs `fn` with FT_ROBERTA_CHARTS set to `value` (undefined: unset), then restores it. */
function withChartsEnv(value: string | undefined, fn: () => void): void {
  const saved = process.env.FT_ROBERTA_CHARTS;
  if (value === undefined) delete process.env.FT_ROBERTA_CHARTS;
  else process.env.FT_ROBERTA_CHARTS = value;
  try {
    fn();
  } finally {
    if (saved === undefined) delete process.env.FT_ROBERTA_CHARTS;
    else process.env.FT_ROBERTA_CHARTS = saved;
  }
}

test('chart mode: interactive in a notebook, static in a terminal and whenever FT_ROBERTA_CHARTS=static', () => {
  withChartsEnv(undefined, () => {
    assert.equal(chartMode(), 'static', 'no notebook attached');
    setDisplaySink(() => undefined);
    assert.equal(chartMode(), 'interactive', 'a live kernel');
  });
  withChartsEnv('static', () => assert.equal(chartMode(), 'static', 'the runner for committed notebooks'));
  withChartsEnv('interactive', () => assert.equal(chartMode(), 'interactive'));
  withChartsEnv('svg', () =>
    assert.throws(() => chartMode(), /FT_ROBERTA_CHARTS: expected 'static' or 'interactive', got 'svg'/),
  );
});

test('in a live kernel the first chart brings plotly.js, later ones only Plotly.newPlot; all carry the SVG', () => {
  const shown: DisplayMessage[] = [];
  setDisplaySink((message) => shown.push(message));
  resetPlotlyLoader();
  withChartsEnv(undefined, () => {
    showChart(lossCurves(history));
    showChart(metricCurves(history));
  });
  withChartsEnv('static', () => showChart(lossCurves(history)));
  const [first, second, staticChart] = shown.map((message) => message.data);
  assert.ok(String(first['text/html']).length > 3_000_000, 'the first chart carries plotly.js');
  assert.ok(String(second['text/html']).length < 30_000, 'the second does not');
  for (const bundle of [first, second]) {
    assert.match(String(bundle['text/html']), /Plotly\.newPlot/);
    assert.match(String(bundle['image/svg+xml']), /^<svg/, 'GitHub and untrusted notebooks show the image');
    assert.ok(bundle['application/vnd.plotly.v1+json'] !== undefined);
  }
  assert.equal(staticChart['text/html'], undefined, 'FT_ROBERTA_CHARTS=static: no HTML, no plotly.js');
  assert.match(String(staticChart['image/svg+xml']), /^<svg/);
});

interface FakeElement {
  innerHTML: string;
  style: Record<string, string>;
  children: { textContent: string }[];
  appendChild(child: { textContent: string }): void;
}

/** Runs a chart's script against a fake page and clock; plotly.js "arrives" at `plotlyAtMs` (or never). */
function runDrawScript(plotlyAtMs: number | null): { element: FakeElement; plotted: unknown[][]; timersLeft: number } {
  const figure: PlotlyFigure = toPlotlyFigure(lossCurves(history));
  const element: FakeElement = {
    innerHTML: '<svg>placeholder</svg>',
    style: {},
    children: [],
    appendChild(child) {
      this.children.push(child);
    },
  };
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const plotted: unknown[][] = [];
  const window: { Plotly?: { newPlot: (...args: unknown[]) => void } } = {};
  const context = {
    window,
    document: {
      getElementById: (id: string) => (id === 'chart-1' ? element : null),
      createElement: () => ({ style: {}, textContent: '' }),
    },
    Date: { now: () => now },
    setTimeout: (fn: () => void, ms: number) => timers.push({ at: now + ms, fn }),
  };
  vm.runInNewContext(drawScript('chart-1', figure), context);
  while (timers.length > 0) {
    timers.sort((a, b) => a.at - b.at);
    const next = timers.shift()!;
    now = next.at;
    if (plotlyAtMs !== null && now >= plotlyAtMs && window.Plotly === undefined) {
      window.Plotly = { newPlot: (...args: unknown[]) => plotted.push(args) };
    }
    next.fn();
  }
  assert.ok(now <= PLOTLY_PATIENCE_MS + 2000, `the script stopped polling (last timer at ${now} ms)`);
  return { element, plotted, timersLeft: timers.length };
}

test('a chart waits for plotly.js, draws when it arrives, and otherwise keeps its SVG with a note', () => {
  const late = runDrawScript(1_000);
  assert.equal(late.plotted.length, 1, 'drawn once plotly.js arrived');
  const [target, data] = late.plotted[0];
  assert.equal(target, late.element);
  // The figure was parsed inside the page's realm: compare its JSON.
  assert.equal(JSON.stringify(data), JSON.stringify(toPlotlyFigure(lossCurves(history)).data));
  assert.equal(late.element.innerHTML, '', 'the placeholder gave way to the plot');
  assert.equal(late.element.children.length, 0, 'no note when plotly.js came in time');

  const afterNote = runDrawScript(PLOTLY_WAIT_MS + 60_000);
  assert.equal(afterNote.plotted.length, 1, 'a library that renders late still gets used');

  const never = runDrawScript(null);
  assert.equal(never.plotted.length, 0);
  assert.equal(never.element.innerHTML, '<svg>placeholder</svg>', 'the static image stays');
  assert.deepEqual(
    never.element.children.map((child) => child.textContent),
    [PLOTLY_MISSING_NOTE],
  );
});

test('the notebook runner executes with static charts unless told otherwise', () => {
  assert.equal(runnerChartMode(undefined, {}), 'static');
  assert.equal(runnerChartMode(undefined, { FT_ROBERTA_CHARTS: 'interactive' }), 'interactive');
  assert.equal(runnerChartMode('static', { FT_ROBERTA_CHARTS: 'interactive' }), 'static', '--charts wins');
  assert.equal(runnerChartMode('interactive', {}), 'interactive');
  assert.throws(() => runnerChartMode('live', {}), /--charts: expected 'static' or 'interactive', got 'live'/);
});

test('confusion matrix, bars and length histogram carry their numbers', () => {
  const cm = confusionMatrixChart(
    [
      [40, 10],
      [5, 45],
    ],
    ['negative', 'positive'],
  );
  const svg = renderSvg(cm);
  for (const n of ['40', '10', '5', '45', 'negative', 'positive'])
    assert.ok(svg.includes(`>${n}<`), `confusion matrix SVG shows ${n}`);
  const fig = toPlotlyFigure(cm);
  assert.deepEqual(fig.data[0].z, [
    [40, 10],
    [5, 45],
  ]);

  const bars = barChart({
    title: 'seconds per batch',
    yLabel: 's',
    categories: ['static 512', 'dynamic 256'],
    series: [{ name: 's/batch', values: [2.5, 1] }],
  });
  assert.equal((renderSvg(bars).match(/<rect x=/g) ?? []).length, 1 + 2, 'plot frame + two bars');

  const lengths = [10, 20, 300, 600, 700, 30];
  const hist = lengthHistogram(lengths, { binSize: 100 });
  assert.deepEqual(hist.counts, [3, 0, 0, 1, 0, 0, 1, 1]);
  assert.deepEqual(
    hist.markers!.map((m) => m.label),
    ['256: 50.0% longer', '512: 33.3% longer'],
  );
});

test('timing bars: seconds, samples/s, and real vs padding tokens per padding mode', () => {
  const rows = [
    { name: 'static 512', secondsPerBatch: 4, samplesPerSecond: 4, realTokens: 4800, paddedTokens: 8192 },
    { name: 'grouped 256', secondsPerBatch: 1, samplesPerSecond: 16, realTokens: 3000, paddedTokens: 3100 },
  ];
  const [seconds, rate, tokens] = timingBars(rows);
  assert.deepEqual(seconds.series[0].values, [4, 1]);
  assert.deepEqual(rate.series[0].values, [4, 16]);
  assert.deepEqual(
    tokens.series.map((s) => s.values),
    [
      [4800, 3000],
      [3392, 100],
    ],
  );
  assert.match(String(chartBundle(tokens, 'static')['text/plain']), /static 512 4800\/3392, grouped 256 3000\/100/);
});

test('nice ticks and durations', () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.43, 0.61, 4), [0.45, 0.5, 0.55, 0.6]);
  assert.equal(formatDuration(75), '01:15');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(NaN), '?');
});

test('tables: HTML escaped and aligned text, long DataFrame cells shortened', () => {
  const rows = [
    { token: '<s>', id: 0, mask: 1 },
    { token: 'Ġhello', id: 1234, mask: 1 },
  ];
  const html = tableHtml(rows, { caption: 'tokens' });
  assert.match(html, /<td style="text-align:left">&lt;s&gt;<\/td>/);
  assert.match(html, /<th style="text-align:right">id<\/th>/);
  assert.equal(
    tableText(rows),
    ['token     id  mask', '------  ----  ----', '<s>        0     1', 'Ġhello  1234     1'].join('\n'),
  );
  const df = {
    columns: ['text', 'label'],
    index: [0, 1],
    values: [
      ['x'.repeat(200), 1],
      ['short', 0],
    ],
  };
  const dfRows = dataFrameRows(df, { maxChars: 10 });
  assert.equal(dfRows[0].text, 'xxxxxxxxx…');
  assert.equal(dfRows[1].label, 0);
});
