// loadImdb against every source: the offline corpus, Hub datasets served by a local fake Hub (CSV
// like jahjinx/IMDb_movie_reviews, snappy Parquet like stanfordnlp/imdb), an aclImdb folder and
// local CSV files; bad input and skipBadRows; and the notebook views of a DataFrame.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as dfd from 'danfojs';
import { loadImdb, discoverSplitFiles, splitOfFile } from '../lib/data/imdb';
import {
  frameToReviews,
  frameInfo,
  headHtml,
  infoHtml,
  reviewsToFrame,
  valueCounts,
  valueCountsHtml,
  truncateText,
} from '../lib/data/frames';
import { generateSplit, type Review } from '../lib/data/corpus';
import { describeProblem, parseLabel } from '../lib/data/readers';
import { startFakeHub } from './helpers/fake-hub';
import { writeParquet } from './helpers/parquet-writer';

function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ft-roberta-${name}-`));
}

/** RFC 4180 CSV with a header row, quoting every field. */
function toCsv(header: string[], rows: Array<Array<string | number>>): string {
  const quote = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
  return [header.map(quote).join(','), ...rows.map((r) => r.map(quote).join(','))].join('\r\n') + '\r\n';
}

function reviewsOf(frame: dfd.DataFrame): Review[] {
  return frameToReviews(frame);
}

function sortedTexts(reviews: Review[]): string[] {
  return reviews.map((r) => `${r.label}|${r.text}`).sort();
}

// Small samples with the quirks of real files: quotes, commas, newlines, <br />, non-ASCII.
const TRAIN: Review[] = [
  { text: 'A "great" film, truly.<br /><br />Loved it.', label: 1 },
  { text: 'Dull, dull, dull.\nTwo lines of boredom.', label: 0 },
  { text: 'Café scenes are lovely — 8/10', label: 1 },
  { text: 'Not good at all.', label: 0 },
  { text: 'Not bad at all!', label: 1 },
  { text: 'The first half drags, but the rest is a joy.', label: 1 },
  { text: 'Promising start, then a mess.', label: 0 },
  { text: 'Skip it.', label: 0 },
  { text: 'A small gem.', label: 1 },
  { text: 'Terrible. 2/10', label: 0 },
];
const VALIDATION: Review[] = [
  { text: 'Fine fun.', label: 1 },
  { text: 'Awful.', label: 0 },
];
const TEST: Review[] = [
  { text: 'Wonderful.', label: 1 },
  { text: 'Boring.', label: 0 },
  { text: 'Superb cast.', label: 1 },
];

test('split files are recognised by name in the layouts the Hub uses', () => {
  assert.equal(splitOfFile('IMDB_train.csv'), 'train');
  assert.equal(splitOfFile('IMDB_validation.csv'), 'validation');
  assert.equal(splitOfFile('data/valid-00000-of-00001.parquet'), 'validation');
  assert.equal(splitOfFile('dev.tsv'), 'validation');
  assert.equal(splitOfFile('plain_text/test-00000-of-00001.parquet'), 'test');
  assert.equal(splitOfFile('plain_text/unsupervised-00000-of-00001.parquet'), null);
  assert.equal(splitOfFile('README.md'), null);
  assert.equal(splitOfFile('contest.csv'), null);
  assert.deepEqual(
    discoverSplitFiles(['b/train-1.parquet', 'a/train.csv', 'b/train-0.parquet', 'test.csv', '.gitattributes']),
    {
      train: ['b/train-0.parquet', 'b/train-1.parquet'],
      test: ['test.csv'],
    },
  );
  for (const [value, label] of [
    [0, 0],
    [1, 1],
    [1n, 1],
    ['0', 0],
    [' 1 ', 1],
    ['pos', 1],
    ['NEG', 0],
    ['Positive', 1],
    ['negative', 0],
  ] as const) {
    assert.equal(parseLabel(value), label, `label ${String(value)}`);
  }
  for (const value of [2, -1, -1n, '', 'neutral', null, undefined, true, 0.5])
    assert.equal(parseLabel(value), null, `label ${String(value)}`);
});

test('offline: the generated corpus as DataFrames, with limits per split', async () => {
  const splits = await loadImdb('offline', { seed: 5, limit: { train: 30, validation: 8 }, sizes: { test: 12 } });
  assert.deepEqual(splits.train.shape, [30, 2]);
  assert.deepEqual(splits.validation.shape, [8, 2]);
  assert.deepEqual(splits.test.shape, [12, 2]);
  assert.deepEqual(
    reviewsOf(splits.train),
    generateSplit(5, 'train', 30).map(({ text, label }) => ({ text, label })),
  );
  assert.equal(splits.skipped, 0);
});

test('Hub CSV dataset (jahjinx/IMDb_movie_reviews layout): discovered, downloaded once, cached', async () => {
  const repo = 'jahjinx/IMDb_movie_reviews';
  const hub = await startFakeHub({
    datasets: {
      [repo]: {
        '.gitattributes': '*.csv filter=lfs',
        'README.md': '# IMDb',
        'IMDB_train.csv': toCsv(
          ['text', 'label'],
          TRAIN.map((r) => [r.text, r.label]),
        ),
        'IMDB_validation.csv': toCsv(
          ['text', 'label'],
          VALIDATION.map((r) => [r.text, r.label]),
        ),
        'IMDB_test.csv': toCsv(
          ['text', 'label'],
          TEST.map((r) => [r.text, r.label]),
        ),
      },
    },
  });
  const cacheDir = tempDir('hub-cache');
  try {
    const options = { seed: 1, hub: { endpoint: hub.endpoint, cacheDir } };
    const splits = await loadImdb(repo, options);
    assert.deepEqual(sortedTexts(reviewsOf(splits.train)), sortedTexts(TRAIN));
    assert.deepEqual(sortedTexts(reviewsOf(splits.validation)), sortedTexts(VALIDATION));
    assert.deepEqual(sortedTexts(reviewsOf(splits.test)), sortedTexts(TEST));
    assert.deepEqual(splits.origin, {
      train: 'IMDB_train.csv',
      validation: 'IMDB_validation.csv',
      test: 'IMDB_test.csv',
    });
    // Shuffled with the seed, deterministically.
    const again = await loadImdb(repo, options);
    assert.deepEqual(reviewsOf(again.train), reviewsOf(splits.train));
    const unshuffled = await loadImdb(repo, { ...options, shuffle: false });
    assert.deepEqual(reviewsOf(unshuffled.train), TRAIN);
    const downloads = hub.requests.filter((r) => r.includes('/resolve/'));
    assert.equal(downloads.length, 3, `downloads: ${downloads.join(', ')}`);
    // Three loads, three downloads: the second and third read the cached files.
    const cachedFiles = fs.readdirSync(cacheDir, { recursive: true }) as string[];
    const cached = cachedFiles.map((f) => path.basename(f)).filter((f) => f.endsWith('.csv'));
    assert.deepEqual(cached.sort(), ['IMDB_test.csv', 'IMDB_train.csv', 'IMDB_validation.csv']);
    const limited = await loadImdb(repo, { ...options, limit: 4 });
    assert.deepEqual(limited.train.shape, [4, 2]);
    assert.deepEqual(limited.test.shape, [3, 2]);
  } finally {
    await hub.close();
  }
});

test('Hub Parquet dataset (stanfordnlp/imdb layout): snappy Parquet, validation carved from train', async () => {
  const repo = 'stanfordnlp/imdb';
  const many: Review[] = Array.from({ length: 40 }, (_, i) => ({
    text: `review number ${i} ${i % 2 ? 'great' : 'awful'}`,
    label: i < 20 ? 0 : 1,
  }));
  const parquet = (rows: Review[], label: (r: Review) => number = (r) => r.label) =>
    writeParquet(
      [
        { name: 'text', type: 'string', values: rows.map((r) => r.text) },
        { name: 'label', type: 'int64', values: rows.map(label) },
      ],
      { codec: 'snappy' },
    );
  const hub = await startFakeHub({
    pageSize: 2,
    datasets: {
      [repo]: {
        'README.md': '# imdb',
        'plain_text/train-00000-of-00001.parquet': parquet(many),
        'plain_text/test-00000-of-00001.parquet': parquet(TEST),
        'plain_text/unsupervised-00000-of-00001.parquet': parquet(TRAIN, () => -1),
      },
    },
  });
  try {
    const options = { seed: 3, hub: { endpoint: hub.endpoint, cacheDir: tempDir('hub-cache') } };
    const splits = await loadImdb(repo, options);
    assert.deepEqual(splits.validation.shape, [4, 2]);
    assert.deepEqual(splits.train.shape, [36, 2]);
    assert.deepEqual(sortedTexts([...reviewsOf(splits.train), ...reviewsOf(splits.validation)]), sortedTexts(many));
    assert.deepEqual(sortedTexts(reviewsOf(splits.test)), sortedTexts(TEST));
    assert.match(splits.origin.validation, /10% of train, seed 3/);
    assert.ok(
      !hub.requests.some((r) => r.includes('unsupervised') && r.includes('/resolve/')),
      'the unsupervised split is not downloaded',
    );
    // The carve depends on the seed.
    const other = await loadImdb(repo, { ...options, seed: 4 });
    assert.notDeepEqual(sortedTexts(reviewsOf(other.validation)), sortedTexts(reviewsOf(splits.validation)));
  } finally {
    await hub.close();
  }
});

test('a Hub dataset without split files or with bad rows fails naming the file, row and field', async () => {
  const hub = await startFakeHub({
    datasets: {
      'someone/nothing-here': { 'README.md': 'x', 'reviews.json': '[]' },
      'someone/bad-label': {
        'train.csv': toCsv(
          ['text', 'label'],
          [
            ['fine', 1],
            ['meh', 'neutral'],
            ['ok', 0],
          ],
        ),
      },
    },
  });
  try {
    const hubOptions = { endpoint: hub.endpoint, cacheDir: tempDir('hub-cache') };
    await assert.rejects(
      loadImdb('someone/nothing-here', { hub: hubOptions }),
      /dataset someone\/nothing-here: no train split file found/,
    );
    await assert.rejects(
      loadImdb('someone/bad-label', { hub: hubOptions }),
      /train\.csv: row 2 \(line 3\), field 'label': expected a label 0\/1, neg\/pos or negative\/positive, found "neutral"/,
    );
    await assert.rejects(loadImdb('someone/missing', { hub: hubOptions }), /someone\/missing/);
  } finally {
    await hub.close();
  }
});

function writeAclImdb(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

test('aclImdb folder: labels from pos/neg, seeded validation carved from train, bad files named', async () => {
  const dir = tempDir('acl');
  const root = path.join(dir, 'aclImdb');
  const files: Record<string, string> = {};
  for (let i = 0; i < 10; i++) {
    files[`train/pos/${i}_${7 + (i % 4)}.txt`] = `positive train review ${i}<br /><br />Lovely.`;
    files[`train/neg/${i}_${1 + (i % 4)}.txt`] = `negative train review ${i}`;
  }
  files['train/unsup/0_0.txt'] = 'unlabelled, ignored';
  files['test/pos/0_10.txt'] = 'positive test review';
  files['test/neg/0_2.txt'] = 'negative test review';
  writeAclImdb(root, files);
  // The parent folder works too.
  const splits = await loadImdb(dir, { seed: 11, validationShare: 0.2 });
  assert.deepEqual(splits.train.shape, [16, 2]);
  assert.deepEqual(splits.validation.shape, [4, 2]);
  const train = [...reviewsOf(splits.train), ...reviewsOf(splits.validation)];
  assert.equal(train.filter((r) => r.label === 1 && r.text.startsWith('positive')).length, 10);
  assert.equal(train.filter((r) => r.label === 0 && r.text.startsWith('negative')).length, 10);
  assert.deepEqual(sortedTexts(reviewsOf(splits.test)), ['0|negative test review', '1|positive test review']);
  assert.deepEqual(
    reviewsOf((await loadImdb(root, { seed: 11, validationShare: 0.2 })).validation),
    reviewsOf(splits.validation),
  );

  fs.writeFileSync(path.join(root, 'train/pos/99_9.txt'), '   \n');
  await assert.rejects(
    loadImdb(root),
    (err: Error) =>
      err.message.includes(path.join(root, 'train/pos/99_9.txt')) && /empty review file/.test(err.message),
  );
  const skipping = await loadImdb(root, { skipBadRows: true, validationShare: 0.2 });
  assert.equal(skipping.skipped, 1);
  assert.equal(skipping.problems[0].file, path.join(root, 'train/pos/99_9.txt'));
  fs.rmSync(path.join(root, 'test/neg'), { recursive: true });
  await assert.rejects(
    loadImdb(root, { skipBadRows: true }),
    (err: Error) => err.message.includes(path.join(root, 'test/neg')) && /missing folder/.test(err.message),
  );
});

test('local CSV: label words mapped, Kaggle column names, a seeded 70/10/20 carve', async () => {
  const dir = tempDir('csv');
  const file = path.join(dir, 'reviews.csv');
  const words = ['negative', 'positive'];
  const rows = Array.from({ length: 50 }, (_, i) => [`review, "number" ${i}\nsecond line`, words[i % 2]]);
  fs.writeFileSync(file, toCsv(['review', 'sentiment'], rows));
  const splits = await loadImdb(file, { seed: 2 });
  assert.deepEqual([splits.train.shape[0], splits.validation.shape[0], splits.test.shape[0]], [35, 5, 10]);
  const all = [...reviewsOf(splits.train), ...reviewsOf(splits.validation), ...reviewsOf(splits.test)];
  assert.deepEqual(
    sortedTexts(all),
    sortedTexts(rows.map(([text, word]) => ({ text, label: word === 'positive' ? 1 : 0 }))),
  );

  // A folder of split files, labels as 0/1 and pos/neg.
  const folder = tempDir('csv-splits');
  fs.writeFileSync(
    path.join(folder, 'train.csv'),
    toCsv(
      ['text', 'label'],
      [
        ['a', 'pos'],
        ['b', 'neg'],
        ['c', 1],
        ['d', 0],
        ['e', 'POS'],
      ],
    ),
  );
  fs.writeFileSync(path.join(folder, 'test.csv'), toCsv(['text', 'label'], [['f', 0]]));
  const fromFolder = await loadImdb(folder, { validationShare: 0.2, shuffle: false });
  assert.deepEqual(fromFolder.validation.shape, [1, 2]);
  assert.deepEqual(fromFolder.test.shape, [1, 2]);
  assert.deepEqual(sortedTexts([...reviewsOf(fromFolder.train), ...reviewsOf(fromFolder.validation)]), [
    '0|b',
    '0|d',
    '1|a',
    '1|c',
    '1|e',
  ]);
});

test('bad CSV input: each problem names the file, row and field; skipBadRows counts them', async () => {
  const dir = tempDir('bad');
  const missingColumn = path.join(dir, 'no-label.csv');
  fs.writeFileSync(missingColumn, 'text,stars\n"good",9\n');
  await assert.rejects(
    loadImdb(missingColumn),
    (err: Error) =>
      err.message.startsWith(`${missingColumn}: missing column 'label'`) &&
      /found columns: text, stars/.test(err.message),
  );

  const bad = path.join(dir, 'bad-rows.csv');
  fs.writeFileSync(
    bad,
    [
      'text,label',
      '"fine film",1', // row 1
      '"weird label",7', // row 2: label outside the set
      '"",0', // row 3: empty text
      '"too","many","fields"', // row 4: three fields
      '"also fine",neg', // row 5
      '"  ",pos', // row 6: blank text
      '"ok",positive', // row 7
      '"ok too",0', // row 8
      '"last",negative', // row 9
      '"really last",1', // row 10
    ].join('\n'),
  );
  await assert.rejects(
    loadImdb(bad),
    (err: Error) =>
      err.message ===
      `${bad}: row 2 (line 3), field 'label': expected a label 0/1, neg/pos or negative/positive, found "7"`,
  );
  const skipping = await loadImdb(bad, { skipBadRows: true, seed: 0 });
  assert.equal(skipping.skipped, 4);
  assert.deepEqual(
    skipping.problems.map((p) => [p.row, p.field]),
    [
      [2, 'label'],
      [3, 'text'],
      [4, '*'],
      [6, 'text'],
    ],
  );
  assert.equal(describeProblem(skipping.problems[2]), `${bad}: row 4 (line 5): expected 2 fields, found 3`);
  const kept = skipping.train.shape[0] + skipping.validation.shape[0] + skipping.test.shape[0];
  assert.equal(kept, 6);

  const missingFile = path.join(dir, 'folder-with-gap');
  fs.mkdirSync(missingFile);
  await assert.rejects(loadImdb(missingFile), /folder-with-gap: no train split file found/);
  await assert.rejects(loadImdb(path.join(dir, 'nope.csv')), /file not found: .*nope\.csv/);
});

test('bad Parquet input: a null text and a missing column are named', async () => {
  const dir = tempDir('bad-parquet');
  const file = path.join(dir, 'train.parquet');
  fs.writeFileSync(
    file,
    writeParquet([
      { name: 'text', type: 'string', values: ['fine', null, 'good'] },
      { name: 'label', type: 'int64', values: [1, 0, 1] },
    ]),
  );
  await assert.rejects(
    loadImdb(dir),
    (err: Error) => err.message === `${file}: row 2, field 'text': expected review text, found null`,
  );
  const skipping = await loadImdb(dir, { skipBadRows: true, validationShare: 0.5, testShare: 0.5 });
  assert.equal(skipping.skipped, 1);
  fs.writeFileSync(file, writeParquet([{ name: 'content', type: 'string', values: ['x'] }]));
  await assert.rejects(loadImdb(dir), (err: Error) =>
    err.message.startsWith(`${file}: missing column 'text' (or review, sentence) and 'label'`),
  );
  fs.writeFileSync(file, 'not parquet at all');
  await assert.rejects(loadImdb(dir), (err: Error) => err.message.startsWith(`${file}: not a readable Parquet file`));
});

test('notebook views: head, info and value counts as escaped HTML tables', () => {
  const long = 'x'.repeat(50) + ' <b>bold</b> & "quoted" ' + 'word '.repeat(40);
  const frame = reviewsToFrame([
    { text: long, label: 1 },
    { text: 'short one', label: 0 },
    { text: 'another short one', label: 1 },
  ]);
  const head = headHtml(frame, 2);
  assert.match(head, /<caption>2 of 3 rows<\/caption>/);
  assert.match(head, /&lt;b&gt;bold&lt;\/b&gt; &amp; &quot;quoted&quot;/);
  assert.doesNotMatch(head, /<b>/);
  assert.doesNotMatch(head, /another short one/);
  const cell = /<td>(x+[^<]*)<\/td>/.exec(head);
  assert.ok(cell, head);
  assert.ok(cell[1].replace(/&[a-z]+;/g, '_').length <= 120, `cell of ${cell[1].length} characters`);
  assert.ok(truncateText(long, 120).endsWith('…'));

  const info = frameInfo(frame);
  assert.equal(info.rows, 3);
  assert.deepEqual(info.columns, [
    { name: 'text', dtype: 'string', nonNull: 3 },
    { name: 'label', dtype: 'int32', nonNull: 3 },
  ]);
  assert.equal(info.textLength?.words.max, 44);
  assert.equal(info.textLength?.words.median, 3);
  assert.equal(info.textLength?.chars.max, long.length);
  const infoTable = infoHtml(frame);
  assert.match(infoTable, /3 rows, 2 columns/);
  assert.match(infoTable, /<td>label<\/td><td>3 non-null<\/td><td>int32<\/td>/);
  assert.match(infoTable, /<th>words<\/th><td>16\.3<\/td><td>3<\/td><td>44<\/td>/);

  assert.deepEqual(valueCounts(frame), [
    { value: '1', count: 2, share: 2 / 3 },
    { value: '0', count: 1, share: 1 / 3 },
  ]);
  assert.match(valueCountsHtml(frame), /<th>1 \(positive\)<\/th><td>2<\/td><td>66\.7%<\/td>/);
  assert.throws(() => valueCounts(frame, 'stars'), /no column 'stars'/);
  // An empty frame still describes itself.
  assert.deepEqual(frameInfo(reviewsToFrame([])).rows, 0);
  assert.match(headHtml(reviewsToFrame([])), /0 of 0 rows/);
});
