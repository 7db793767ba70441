// The corpus grammar lives in lib/data/lexicon.txt; its reader must keep every entry as written and
// name the line of anything it cannot place.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { GENRES, RULES, SLOT_NAMES, parseLexicon } from '../lib/data/lexicon';

test('lists keep every line; rule books keep templates verbatim, trailing colons and all', () => {
  const text = [
    '# a comment',
    '== NAMES',
    'Ada',
    'Grace Hopper',
    '',
    '== RULES',
    '# about the rule',
    'intro_pos:',
    '    What I liked:',
    '    The good[ stuff|]:',
    'plain:',
    '    {title} is {adj_pos}.',
  ].join('\n');
  const lexicon = parseLexicon(text, 'test.txt');
  assert.deepEqual(lexicon.lists.get('NAMES'), ['Ada', 'Grace Hopper']);
  assert.deepEqual(lexicon.books.get('RULES'), {
    intro_pos: ['What I liked:', 'The good[ stuff|]:'],
    plain: ['{title} is {adj_pos}.'],
  });
});

test('a line that fits nowhere is an error naming the file, the line and what was expected', () => {
  const cases: [string, RegExp][] = [
    ['Ada', /^test\.txt:1: expected "== NAME" before the first entry, found "Ada"$/],
    ['== RULES\nrule:\n  two spaces', /^test\.txt:3: expected "rule:" or a template indented by 4 spaces/],
    ['== RULES\n    a template before any rule', /^test\.txt:2: expected "rule:"/],
    ['== RULES\nx:\n    a\nx:', /^test\.txt:4: rule x appears twice/],
    ['== NAMES\nAda\n== NAMES', /^test\.txt:3: section NAMES appears twice/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseLexicon(text, 'test.txt'),
      (err: Error) => message.test(err.message),
      text,
    );
  }
});

test('the shipped lexicon: slots, genres as [singular, plural], rules with templates', () => {
  assert.ok(SLOT_NAMES.includes('title') && SLOT_NAMES.includes('otherTitle'));
  assert.ok(GENRES.every((g) => g.length === 2 && g[0] !== '' && g[1] !== ''));
  assert.deepEqual(GENRES[2], ['comedy', 'comedies']);
  assert.ok(Object.keys(RULES).length > 50, `${Object.keys(RULES).length} rules`);
  assert.ok(Object.values(RULES).every((templates) => templates.length > 0));
  assert.ok(RULES.goodIntro.includes('What I liked:'));
});
