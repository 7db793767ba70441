// The notebooks' helpers (lib/utils.ts).
import { test, before, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend, type PlatformInfo } from '../lib/backend';
import { loadTokenizer, type RobertaTokenizer } from '../lib/tokenizer';
import { DataLoader, tokenizedExamples, dynamicPaddingCollate, type TokenizedExample } from '../lib/batching';
import { setDisplaySink, type DisplayMessage, type MimeBundle } from '../lib/display/output';
import { reviewsToFrame } from '../lib/data/frames';
import { generateSplit } from '../lib/data/corpus';
import {
  tokenizationRows,
  withOverrides,
  parameterRows,
  displayPath,
  examplesFromEncoding,
  encodingSummaryRows,
  tokenizeWithProgress,
  showChart,
  showBatch,
  showPlatform,
  platformWarning,
  showFolder,
  showBatchLengths,
  showBagOfWordsBaseline,
  keyValueRows,
  stepLossCurve,
} from '../lib/utils';
import { REPO_ROOT } from './helpers/paths';

let tokenizer: RobertaTokenizer;

before(async () => {
  await initBackend('wasm');
  tokenizer = await loadTokenizer('offline');
});

afterEach(() => setDisplaySink(null));

/** Collects what the notebook display would receive. */
function captureDisplays(): MimeBundle[] {
  const bundles: MimeBundle[] = [];
  setDisplaySink((message: DisplayMessage, update: boolean) => {
    if (update) bundles[bundles.length - 1] = message.data;
    else bundles.push(message.data);
  });
  return bundles;
}

test('tokenization tables: Hello, hello and heLlo as the original workshop shows them', () => {
  const tokens = (text: string) => tokenizationRows(tokenizer, text).map((r) => r.token);
  assert.deepEqual(tokens('Hello'), ['<s>', 'Hello', '</s>']);
  assert.deepEqual(tokens('hello'), ['<s>', 'hello', '</s>']);
  assert.deepEqual(tokens('heLlo'), ['<s>', 'he', 'L', 'lo', '</s>']);
  const hello = tokenizationRows(tokenizer, 'Hello');
  assert.deepEqual(
    hello.map((r) => r.id),
    [0, tokenizer.encodeText('Hello')[0], 2],
  );
  assert.ok(hello.every((r) => r['attention mask'] === 1));
  assert.notEqual(hello[1].id, tokenizationRows(tokenizer, 'hello')[1].id, 'case matters');
});

test('tokenization tables: a padded example ends in <pad> rows with mask 0', () => {
  const rows = tokenizationRows(tokenizer, 'I loved this movie!', { maxLength: 10 });
  assert.equal(rows.length, 10);
  const pads = rows.filter((r) => r.token === '<pad>');
  assert.ok(pads.length >= 3, `${pads.length} pad rows`);
  assert.ok(pads.every((r) => r.id === tokenizer.padTokenId && r['attention mask'] === 0));
  assert.equal(rows.filter((r) => r['attention mask'] === 1).length, 10 - pads.length);
  assert.deepEqual(
    rows.map((r) => r.position),
    [...Array(10).keys()],
  );
});

test('parameters: overrides merge, unknown names are refused, the table marks what changed', () => {
  const shared = { maxLength: 256, padding: 'grouped', outputDir: path.join(REPO_ROOT, 'outputs'), learningRate: 1e-3 };
  const overrides = { maxLength: 512, padding: 'grouped', outputDir: path.join(REPO_ROOT, 'outputs', '02') };
  assert.deepEqual(withOverrides(shared, overrides), { ...shared, ...overrides });
  assert.throws(
    () => withOverrides(shared, { maxLenght: 1 } as Partial<typeof shared>),
    /'maxLenght' is not one of the shared parameters/,
  );
  const rows = parameterRows(shared, overrides);
  const byName = new Map(rows.map((r) => [r.parameter, r]));
  assert.equal(byName.get('maxLength')!['this notebook'], '512  ◀ changed');
  assert.equal(byName.get('padding')!['this notebook'], 'grouped  ◀ set here');
  assert.equal(byName.get('learningRate')!['this notebook'], 'same');
  assert.equal(byName.get('learningRate')!['params.ts'], '1e-3');
  assert.equal(
    byName.get('outputDir')!['params.ts'],
    'outputs',
    'paths inside the repository are shown relative to it',
  );
  assert.equal(displayPath('/somewhere/else'), '/somewhere/else');
});

test('static encoding -> examples -> static DataLoader gives back the same ids and masks', () => {
  const texts = [
    'A short one.',
    'A much longer review that goes on and on about the plot, the cast and the music.',
    'Fine.',
  ];
  const encoded = tokenizer.encodeStatic(texts, 24);
  const examples = examplesFromEncoding(encoded, [1, 0, 1]);
  const plain = tokenizer.encodePlain(texts).inputIds;
  assert.deepEqual(
    examples.map((e) => e.inputIds),
    plain,
    'padding removed, nothing else',
  );
  const loader = new DataLoader(examples, {
    batchSize: 3,
    mode: 'static',
    maxLength: 24,
    shuffle: false,
    padTokenId: tokenizer.padTokenId,
  });
  const [batch] = [...loader.batches(0)];
  assert.deepEqual(Array.from(batch.inputIds), encoded.inputIds.flat());
  assert.deepEqual(Array.from(batch.attentionMask), encoded.attentionMask.flat());
  assert.deepEqual(Array.from(batch.labels), [1, 0, 1]);
});

test('encoding summary: static has one length, dynamic many, padding share from the masks', () => {
  const texts = generateSplit(42, 'train', 40).map((r) => r.text);
  const value = (rows: ReturnType<typeof encodingSummaryRows>, name: string) => rows.find((r) => r[''] === name)!.value;
  const staticRows = encodingSummaryRows(tokenizer.encodeStatic(texts, 128));
  assert.equal(value(staticRows, 'shortest sequence (tokens)'), 128);
  assert.equal(value(staticRows, 'longest sequence (tokens)'), 128);
  assert.equal(value(staticRows, 'distinct lengths'), 1);
  const plain = tokenizer.encodePlain(texts).inputIds;
  const real = plain.reduce((sum, ids) => sum + Math.min(ids.length, 128), 0);
  assert.equal(value(staticRows, 'padding share (mask 0)'), `${(100 * (1 - real / (128 * texts.length))).toFixed(1)}%`);
  const cut = plain.filter((ids) => ids.length > 128).length;
  assert.equal(value(staticRows, 'reviews cut at the limit'), `${cut} (${((100 * cut) / texts.length).toFixed(1)}%)`);
  const dynamicRows = encodingSummaryRows(tokenizer.encodeDynamic(texts, 128));
  assert.ok(Number(value(dynamicRows, 'distinct lengths')) > 5);
  assert.equal(value(dynamicRows, 'padding share (mask 0)'), '0.0%');
});

test('tokenizeWithProgress: chunked encoding equals one call, and the bar ends at the total', async () => {
  const texts = generateSplit(7, 'test', 7).map((r) => r.text);
  const bundles = captureDisplays();
  const chunked = await tokenizeWithProgress(tokenizer, texts, { mode: 'static', maxLength: 64, chunkSize: 3 });
  assert.deepEqual(chunked, tokenizer.encodeStatic(texts, 64));
  assert.equal(bundles.length, 1, 'one progress display, updated in place');
  assert.match(String(bundles[0]['text/plain']), /100% .* 7\/7/);
  setDisplaySink(null);
  assert.deepEqual(
    await tokenizeWithProgress(tokenizer, texts, { mode: 'plain', progress: false }),
    tokenizer.encodePlain(texts),
  );
  await assert.rejects(tokenizeWithProgress(tokenizer, texts, { mode: 'dynamic', progress: false }), /needs maxLength/);
});

test('charts: a long line series gets a short text summary, the SVG keeps every point', () => {
  const bundles = captureDisplays();
  const losses = Array.from({ length: 250 }, (_, i) => 0.7 * Math.exp(-i / 100));
  showChart(stepLossCurve(losses, 20), 'static');
  const text = String(bundles[0]['text/plain']);
  assert.ok(text.length < 300, `text/plain is ${text.length} characters`);
  assert.match(text, /loss: 250 points, first 0\.7, last 0\.05/);
  assert.ok(String(bundles[0]['image/svg+xml']).startsWith('<svg'));
  assert.equal(bundles[0]['text/html'], undefined, 'static mode: no HTML, no plotly.js');
});

test('collate grid: one cell per position, padding greyed, shape in the caption', () => {
  const examples = tokenizedExamples(
    tokenizer.encodePlain(['A masterpiece.', 'Dull, slow and far too long.', 'Loved it!']).inputIds,
    [1, 0, 1],
  );
  const batch = dynamicPaddingCollate(examples, tokenizer.padTokenId);
  const bundles = captureDisplays();
  showBatch(batch, tokenizer);
  const html = String(bundles[0]['text/html']);
  const pads = batch.batchSize * batch.seqLength - batch.realTokens;
  assert.equal((html.match(/background:#e6e6e6/g) ?? []).length, pads);
  assert.equal((html.match(/<td /g) ?? []).length, batch.batchSize * batch.seqLength);
  assert.match(String(bundles[0]['text/plain']), new RegExp(`shape \\[3, ${batch.seqLength}\\]`));
});

test('platform table: a warning on wasm and cpu, none on the native backend', () => {
  const info = (backend: PlatformInfo['backend']): PlatformInfo => ({
    backend,
    tfjsVersion: '4.22.0',
    threads: 1,
    nodeVersion: 'v20',
    slowFallback: backend !== 'tensorflow',
    notes: [],
  });
  assert.match(platformWarning(info('wasm'))!, /Slow fallback.*WebAssembly, on one thread\./);
  assert.match(platformWarning({ ...info('wasm'), threads: 3 })!, /WebAssembly, on 3 threads\./);
  assert.match(platformWarning(info('cpu'))!, /plain JavaScript/);
  assert.equal(platformWarning(info('tensorflow')), null);
  const bundles = captureDisplays();
  showPlatform({ ...info('wasm'), notes: ["tensorflow: Cannot find module '@tensorflow/tfjs-node'"] });
  const html = String(bundles[0]['text/html']);
  assert.match(html, /wasm/);
  assert.match(html, /Slow fallback/);
  assert.match(html, /Cannot find module/);
});

/** Review-like token ids: lengths spread around the 256 limit, as IMDb's are. */
function syntheticExamples(count: number): TokenizedExample[] {
  return Array.from({ length: count }, (_, i) => {
    const length = 20 + ((i * 97) % 560);
    return {
      inputIds: Array.from({ length }, (_, k) => (k === 0 ? 0 : k === length - 1 ? 2 : 4 + ((i + k) % 500))),
      label: i % 2,
    };
  });
}

test('batch lengths table: first batches of each loader and the epoch means', () => {
  const examples = syntheticExamples(64);
  const options = { batchSize: 8, maxLength: 256, shuffle: true, seed: 1, padTokenId: 1 };
  const bundles = captureDisplays();
  showBatchLengths(
    {
      random: new DataLoader(examples, { ...options, mode: 'dynamic' }),
      grouped: new DataLoader(examples, { ...options, mode: 'grouped' }),
    },
    4,
  );
  const text = String(bundles[0]['text/plain']);
  assert.equal(text.split('\n').length, 2 + 1 + 4 + 1, 'caption, header, rule, 4 batches, epoch row');
  assert.match(text, /whole epoch +mean \d+ tokens, \d+% padding/);
});

test('folder listing, key-value rows and the bag-of-words baseline', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'utils-folder-'));
  try {
    fs.mkdirSync(path.join(dir, 'E01'));
    fs.writeFileSync(path.join(dir, 'E01', 'model.safetensors'), Buffer.alloc(3 * 1024));
    fs.writeFileSync(path.join(dir, 'trainer_state.json'), '{}');
    const bundles = captureDisplays();
    showFolder(dir);
    const text = String(bundles[0]['text/plain']);
    assert.match(text, /E01\/\n/);
    assert.match(text, /E01\/model\.safetensors +3\.0 kB/);
    assert.match(text, /trainer_state\.json +0\.0 kB/);
    showFolder(dir, [path.join(dir, 'E01')]);
    const only = String(bundles[1]['text/plain']);
    assert.match(only, /E01\/model\.safetensors/);
    assert.doesNotMatch(only, /trainer_state/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(keyValueRows({ a: 1, b: 0.123456, c: 'x', d: undefined }), [
    { name: 'a', value: 1 },
    { name: 'b', value: 0.1235 },
    { name: 'c', value: 'x' },
  ]);
  captureDisplays();
  const train = reviewsToFrame(generateSplit(42, 'train', 300));
  const validation = reviewsToFrame(generateSplit(42, 'validation', 100));
  const accuracy = showBagOfWordsBaseline(train, validation, 42);
  assert.ok(accuracy > 0.6 && accuracy <= 1, `baseline accuracy ${accuracy}`);
});

test(
  'the committed notebooks: tslab kernel, compiled imports, diagrams that exist, light and error-free ' + 'outputs',
  () => {
    const folder = path.join(REPO_ROOT, 'notebooks');
    const names = fs
      .readdirSync(folder)
      .filter((name) => name.endsWith('.ipynb'))
      .sort();
    assert.deepEqual(names, ['01_pipeline.ipynb', '02_static_padding.ipynb', '03_dynamic_padding.ipynb']);
    type Cell = {
      cell_type: string;
      source: string[] | string;
      outputs?: { output_type: string; name?: string; data?: Record<string, unknown> }[];
    };
    for (const name of names) {
      const file = path.join(folder, name);
      const notebook = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        metadata: { kernelspec: Record<string, string> };
        cells: Cell[];
      };
      assert.deepEqual(
        notebook.metadata.kernelspec,
        { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
        name,
      );
      assert.ok(fs.statSync(file).size < 1_000_000, `${name} is ${fs.statSync(file).size} bytes: plotly.js inlined?`);
      for (const [index, cell] of notebook.cells.entries()) {
        const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
        for (const match of source.matchAll(/from '(\.[^']*)'/g)) {
          assert.match(
            match[1],
            /^\.\.\/dist\//,
            `${name} cell ${index} imports ${match[1]}: tslab needs the compiled library`,
          );
          assert.ok(
            fs.existsSync(path.join(folder, `${match[1]}.ts`).replace(`${path.sep}dist${path.sep}`, path.sep)),
            `${name} cell ${index}: ${match[1]} has no source`,
          );
        }
        for (const match of source.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
          assert.ok(fs.existsSync(path.join(folder, match[1])), `${name} cell ${index}: image ${match[1]} is missing`);
        }
        for (const output of cell.outputs ?? []) {
          assert.notEqual(output.output_type, 'error', `${name} cell ${index} has an error output`);
          assert.ok(
            !(output.output_type === 'stream' && output.name === 'stderr'),
            `${name} cell ${index} wrote to stderr`,
          );
        }
      }
    }
  },
);
