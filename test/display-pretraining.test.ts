// The findings sentence under notebook 01's comparison table follows the measured accuracies.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { pretrainingFindings } from '../lib/display/pretraining';

test('pretrainingFindings: points ahead, behind and equal, from the numbers given', () => {
  assert.equal(
    pretrainingFindings({ fineTuned: 0.934, scratch: 0.862, bagOfWords: 0.846 }),
    'Fine-tuning the pretrained body gave 7.2 points more validation accuracy than training the same network ' +
      'from random weights, and 8.8 points more validation accuracy than the bag of words.',
  );
  assert.equal(
    pretrainingFindings({ fineTuned: 0.84, scratch: 0.85, bagOfWords: 0.84 }),
    'Fine-tuning the pretrained body gave 1.0 points less validation accuracy than training the same network ' +
      'from random weights, and the same validation accuracy as the bag of words.',
  );
});
