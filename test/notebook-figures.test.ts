// The figures docs/performance.md quotes from the committed notebooks match the notebooks.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import {
  BEGIN_MARKER,
  END_MARKER,
  FIGURES_DOC,
  NOTEBOOKS,
  currentFiguresBlock,
  figuresBlock,
  notebookFigures,
  readNotebookFigures,
  replaceFiguresBlock,
} from '../scripts/notebook-figures';

test('docs/performance.md quotes the committed notebooks as they are', () => {
  const expected = figuresBlock(NOTEBOOKS.map(readNotebookFigures));
  const actual = currentFiguresBlock(fs.readFileSync(FIGURES_DOC, 'utf8'));
  assert.equal(
    actual,
    expected,
    'run `node dist/scripts/notebook-figures.js --write` after re-executing the notebooks',
  );
});

const stream = (text: string) => ({ output_type: 'stream', text: [text] });
const display = (text: string) => ({ output_type: 'display_data', data: { 'text/plain': text.split(/(?<=\n)/) } });

test('figures are read from outputs: run time, accuracy per epoch, test split, the padding tables', () => {
  const notebook = {
    cells: [
      { cell_type: 'markdown', source: ['# x'] },
      {
        cell_type: 'code',
        source: ['a'],
        metadata: {
          execution: {
            'iopub.status.busy': '2026-01-01T10:00:00.000Z',
            'iopub.status.idle': '2026-01-01T10:00:05.000Z',
          },
        },
        outputs: [],
      },
      {
        cell_type: 'code',
        source: ['fit'],
        metadata: {
          execution: {
            'iopub.status.busy': '2026-01-01T10:00:06.000Z',
            'iopub.status.idle': '2026-01-01T10:01:40.500Z',
          },
        },
        outputs: [
          stream('epoch 1/2 | train loss 0.70 | val loss 0.70 | accuracy 0.5000 | F1 0.6667 |\n'),
          stream('epoch 2/2 | train loss 0.60 | val loss 0.40 | accuracy 0.8812 | F1 0.8876 |\n'),
        ],
      },
      {
        cell_type: 'code',
        source: ['eval'],
        outputs: [display('Test split\nmetric  value\naccuracy     0.8800\nF1  0.8876\nreviews      500\n')],
      },
      {
        cell_type: 'code',
        source: ['count'],
        outputs: [display('Positions one epoch computes (480 reviews)\nbatching  positions\n')],
      },
      {
        cell_type: 'code',
        source: ['time'],
        outputs: [display('Timing: 100%\n'), display('3 rounds of one epoch per case: 128 reviews\nbatching  s\n')],
      },
      {
        cell_type: 'code',
        source: ['scratch'],
        outputs: [stream('epoch 1/2 | train loss 0.70 | val loss 0.69 | accuracy 0.6100 | F1 0.6 |\n')],
      },
      {
        cell_type: 'code',
        source: ['compare'],
        outputs: [
          display('100 reviews\nmodel  validation\nsame network, random start  0.6100\n'),
          stream('Fine-tuning the pretrained body gave 27.1 points more validation accuracy than training\n'),
        ],
      },
    ],
  };
  const figures = notebookFigures('03_x', notebook);
  assert.equal(figures.seconds, 100.5);
  assert.deepEqual(figures.validationAccuracy, [0.5, 0.8812]);
  assert.equal(figures.testAccuracy, 0.88);
  assert.equal(figures.testReviews, 500);
  assert.match(figures.positionsTable!, /^Positions one epoch computes/);
  assert.match(figures.timingTable!, /^3 rounds of one epoch per case/);
  // The first training run's epochs, not the comparison run's; the comparison with its sentence.
  assert.match(figures.pretrainingTable!, /random start {2}0\.6100\nFine-tuning the pretrained body gave 27\.1/);
  const block = figuresBlock([figures]);
  assert.match(block, /\| `03_x` \| 101 s \| 0\.500, 0\.881 \| 0\.880 \(500 reviews\) \|/);
  const empty = notebookFigures('01_y', { cells: [{ cell_type: 'code', source: ['x'], outputs: [] }] });
  assert.match(figuresBlock([empty]), /\| `01_y` \| — \| — \| — \|/);
  assert.throws(() => notebookFigures('bad', {} as { cells: [] }), /bad: not a notebook/);
});

test('the block is replaced between its markers, and missing markers are an error naming the file', () => {
  const doc = `intro\n${BEGIN_MARKER}\nold\n${END_MARKER}\nafter\n`;
  assert.equal(
    replaceFiguresBlock(doc, `${BEGIN_MARKER}\nnew\n${END_MARKER}`, 'doc.md'),
    `intro\n${BEGIN_MARKER}\nnew\n${END_MARKER}\nafter\n`,
  );
  assert.throws(() => replaceFiguresBlock('no markers', 'x', 'doc.md'), /doc\.md: expected the markers/);
});
