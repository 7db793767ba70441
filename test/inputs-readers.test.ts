// Review files that used to load wrongly without a word: an unterminated quote merging two CSV
// rows, rows with too few fields, a byte-order mark, invalid UTF-8, a header and nothing else.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BadRows,
  decodeUtf8,
  describeProblem,
  readAclImdbSplit,
  readCsvReviews,
  skippedRowsSummary,
} from '../lib/data/readers';
import type { Review } from '../lib/data/corpus';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ft-roberta-readers-'));

function csvFile(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Reading `file` fails with exactly `message` (with skipping on or off). */
function assertFails(file: string, message: string, skip = false): void {
  assert.throws(() => readCsvReviews(file, new BadRows(skip)), { message });
}

/** The reviews read with skipping on, and the problems described as a user sees them. */
function readSkipping(file: string): { reviews: Review[]; problems: string[]; skipped: number } {
  const bad = new BadRows(true);
  const reviews = readCsvReviews(file, bad);
  return { reviews, problems: bad.examples.map(describeProblem), skipped: bad.skipped };
}

test('an unterminated quote: the row where it opened is named; skipping drops it and keeps its neighbour', () => {
  for (const newline of ['\n', '\r\n']) {
    const file = csvFile(
      `merged${newline.length}.csv`,
      [
        'text,label',
        '"fine film",1',
        '"good movie,1', // row 2: the quote never closes
        'bad movie,0',
        '"a ""quoted"" word\nover two lines",1', // a quoted line break that belongs to the review
        '"last",0',
        '',
      ].join(newline),
    );
    const expected =
      `${file}: row 2 (line 3), field 'text': the quote opened on line 3 is not closed before line 4, ` +
      'which reads as the next row (unterminated quote)';
    assertFails(file, expected);
    const { reviews, problems, skipped } = readSkipping(file);
    assert.equal(skipped, 1);
    assert.deepEqual(problems, [expected]);
    assert.deepEqual(reviews, [
      { text: 'fine film', label: 1 },
      { text: 'bad movie', label: 0 },
      { text: 'a "quoted" word\nover two lines', label: 1 },
      { text: 'last', label: 0 },
    ]);
  }
  // A quote left open at the end of the file: papaparse's own error, on the row where it opened.
  const atEnd = csvFile('open-at-end.csv', 'text,label\nok,1\n"never closed,0\n');
  assertFails(atEnd, `${atEnd}: row 2 (line 3): Quoted field unterminated (MissingQuotes)`);
  assert.deepEqual(readSkipping(atEnd).reviews, [{ text: 'ok', label: 1 }]);
});

test('rows with too few or too many fields say how many were expected and found', () => {
  const file = csvFile('fields.csv', 'text,label\nonly the text\ngood,1\nunquoted, comma,0\n');
  assertFails(file, `${file}: row 1 (line 2): expected 2 fields, found 1`);
  const { reviews, problems } = readSkipping(file);
  assert.deepEqual(reviews, [{ text: 'good', label: 1 }]);
  assert.deepEqual(problems, [
    `${file}: row 1 (line 2): expected 2 fields, found 1`,
    `${file}: row 3 (line 4): expected 2 fields, found 3`,
  ]);
});

test('a byte-order mark is stripped: not part of a review text nor of the first column name', () => {
  const mark = Buffer.from([0xef, 0xbb, 0xbf]);
  assert.equal(decodeUtf8(Buffer.concat([mark, Buffer.from('Great film.')])).text, 'Great film.');
  // aclImdb review files are read whole: a kept mark would start the review text.
  const root = path.join(dir, 'bom', 'aclImdb');
  for (const folder of ['train/pos', 'train/neg']) fs.mkdirSync(path.join(root, folder), { recursive: true });
  fs.writeFileSync(path.join(root, 'train/pos/0_9.txt'), Buffer.concat([mark, Buffer.from('Great film.')]));
  fs.writeFileSync(path.join(root, 'train/neg/0_1.txt'), 'Awful.');
  assert.deepEqual(readAclImdbSplit(root, 'train', new BadRows(false)), [
    { text: 'Awful.', label: 0 },
    { text: 'Great film.', label: 1 },
  ]);
  // CSV, with the header names quoted as most writers quote them: a kept mark would make the first name \uFEFF"text".
  const quoted = csvFile('bom-quoted.csv', Buffer.concat([mark, Buffer.from('"text","label"\r\n"good",1\r\n')]));
  assert.deepEqual(readCsvReviews(quoted, new BadRows(false)), [{ text: 'good', label: 1 }]);
  const plain = csvFile('bom.csv', '\uFEFFtext,label\n"",1\n');
  assertFails(plain, `${plain}: row 1 (line 2), field 'text': empty text`);
});

test('.tsv, a header only, and header names differing in case or spaces', () => {
  const tsv = csvFile('reviews.tsv', 'text\tlabel\nfunny, and sad\tpos\nno "quotes" needed\t0\n');
  assert.deepEqual(readCsvReviews(tsv, new BadRows(false)), [
    { text: 'funny, and sad', label: 1 },
    { text: 'no "quotes" needed', label: 0 },
  ]);
  const headerOnly = csvFile('header-only.csv', 'text,label\r\n\r\n');
  assertFails(headerOnly, `${headerOnly}: no rows (the file holds only the header text,label)`, true);
  const spaced = csvFile('spaced.csv', 'Text, label \nfine,1\n');
  assert.deepEqual(readCsvReviews(spaced, new BadRows(false)), [{ text: 'fine', label: 1 }]);
});

test('invalid UTF-8 in a CSV: the file and byte offset are named; skipping drops only that row', () => {
  const latin1 = Buffer.from([0xe9]);
  const rest = Buffer.from(' \uFFFD as is,1\nfine \uFFFD,0\n');
  const bytes = Buffer.concat([Buffer.from('text,label\nok,1\ncaf'), latin1, rest]);
  const file = csvFile('latin1.csv', bytes);
  const offset = 'text,label\nok,1\ncaf'.length;
  assert.equal(bytes[offset], 0xe9);
  const problem = `invalid UTF-8 at byte ${offset} (a lenient decoder would turn it into U+FFFD)`;
  assertFails(file, `${file}: row 2 (line 3): ${problem}`);
  const { reviews, skipped } = readSkipping(file);
  assert.equal(skipped, 1);
  // A real U+FFFD in the text (bytes EF BF BD) is valid UTF-8 and kept.
  assert.deepEqual(reviews, [
    { text: 'ok', label: 1 },
    { text: 'fine \uFFFD', label: 0 },
  ]);
  // "a", a line break, a real U+FFFD, "b", then 0xC3 without its continuation byte.
  const mixed = Buffer.from([0x61, 0x0a, 0xef, 0xbf, 0xbd, 0x62, 0xc3, 0x28]);
  assert.deepEqual(decodeUtf8(mixed).invalidLines, [{ line: 2, byte: 6 }]);
});

test('invalid UTF-8 in an aclImdb review file: named with its byte offset, or skipped and counted', () => {
  const root = path.join(dir, 'aclImdb');
  for (const folder of ['train/pos', 'train/neg']) fs.mkdirSync(path.join(root, folder), { recursive: true });
  fs.writeFileSync(path.join(root, 'train/pos/0_9.txt'), 'Lovely.');
  fs.writeFileSync(path.join(root, 'train/neg/0_2.txt'), 'Dull.');
  const broken = path.join(root, 'train/neg/1_1.txt');
  fs.writeFileSync(broken, Buffer.concat([Buffer.from('Na\u00efve but '), Buffer.from([0xff]), Buffer.from(' bad.')]));
  const problem = `${broken}: invalid UTF-8 at byte 11 (a lenient decoder would turn it into U+FFFD)`;
  assert.throws(() => readAclImdbSplit(root, 'train', new BadRows(false)), { message: problem });
  const bad = new BadRows(true);
  assert.deepEqual(readAclImdbSplit(root, 'train', bad), [
    { text: 'Dull.', label: 0 },
    { text: 'Lovely.', label: 1 },
  ]);
  assert.equal(bad.skipped, 1);
  assert.deepEqual(skippedRowsSummary(bad.skipped, bad.examples), ['skipped 1 bad row:', `  ${problem}`]);
});
