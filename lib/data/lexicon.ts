// The phrase grammar of the offline corpus, read from lexicon.txt next to this file's source (the
// format is described at the top of that file). Rules ending in `_pos` / `_neg` carry sentiment;
// the rest are neutral. Per-review slots (SLOT_NAMES) shadow rules: the film's title, its director,
// three actors with their characters and pronouns, a place.
import * as fs from 'fs';
import * as path from 'path';
import type { RuleBook } from './grammar';

/** lib/data/lexicon.txt, from the source tree or from dist/lib/data (the build does not copy it). */
export const LEXICON_FILE =
  [path.join(__dirname, 'lexicon.txt'), path.resolve(__dirname, '..', '..', '..', 'lib', 'data', 'lexicon.txt')].find(
    (file) => fs.existsSync(file),
  ) ?? path.join(__dirname, 'lexicon.txt');

/** Lists of entries and rule books (rule -> templates), by section name. */
export interface Lexicon {
  lists: Map<string, string[]>;
  books: Map<string, Record<string, string[]>>;
}

const BOOK_NAMES = new Set(['RULES', 'CONTEXT_RULES', 'POLAR_POOLS', 'ONE_WAY_RULES']);

/** Parses the lexicon format; a line that fits nowhere is an error naming the file and line. */
export function parseLexicon(text: string, file = LEXICON_FILE): Lexicon {
  const lexicon: Lexicon = { lists: new Map(), books: new Map() };
  let list: string[] | undefined;
  let book: Record<string, string[]> | undefined;
  let rule: string[] | undefined;
  text.split('\n').forEach((line, index) => {
    const fail = (what: string): never => {
      throw new Error(`${file}:${index + 1}: ${what}, found ${JSON.stringify(line)}`);
    };
    if (line.trim() === '' || line.startsWith('#')) return;
    const section = /^== (\w+)$/.exec(line);
    if (section !== null) {
      const name = section[1];
      if (lexicon.lists.has(name) || lexicon.books.has(name)) fail(`section ${name} appears twice`);
      list = book = rule = undefined;
      if (BOOK_NAMES.has(name)) lexicon.books.set(name, (book = {}));
      else lexicon.lists.set(name, (list = []));
      return;
    }
    if (list !== undefined) {
      list.push(line);
    } else if (book !== undefined) {
      const ruleName = /^(\w+):$/.exec(line);
      if (ruleName !== null) {
        if (ruleName[1] in book) fail(`rule ${ruleName[1]} appears twice`);
        book[ruleName[1]] = rule = [];
      } else if (line.startsWith('    ') && rule !== undefined) {
        rule.push(line.slice(4));
      } else {
        fail('expected "rule:" or a template indented by 4 spaces');
      }
    } else {
      fail('expected "== NAME" before the first entry');
    }
  });
  return lexicon;
}

const LEXICON = parseLexicon(fs.readFileSync(LEXICON_FILE, 'utf8'));

function listOf(name: string): string[] {
  const list = LEXICON.lists.get(name);
  if (list === undefined) throw new Error(`${LEXICON_FILE}: no list == ${name}`);
  return list;
}

function bookOf(name: string): RuleBook {
  const book = LEXICON.books.get(name);
  if (book === undefined) throw new Error(`${LEXICON_FILE}: no rule book == ${name}`);
  return book;
}

/** Slots filled per review by the corpus generator. */
export const SLOT_NAMES: readonly string[] = listOf('SLOT_NAMES');
export const FEMALE_NAMES = listOf('FEMALE_NAMES');
export const MALE_NAMES = listOf('MALE_NAMES');
export const SURNAMES = listOf('SURNAMES');
export const PLACES = listOf('PLACES');
/** [singular, plural], written "singular | plural". */
export const GENRES: ReadonlyArray<readonly [string, string]> = listOf('GENRES').map((line) => {
  const forms = line.split(' | ');
  if (forms.length !== 2) throw new Error(`${LEXICON_FILE}: genre "${line}" should be "singular | plural"`);
  return [forms[0], forms[1]] as const;
});
export const FUNNY_GENRES = new Set(listOf('FUNNY_GENRES'));
export const TENSE_GENRES = new Set(listOf('TENSE_GENRES'));
export const DECADES = listOf('DECADES');
export const RULES = bookOf('RULES');
/**
 * Cues that need context, written once from the review's point of view: `_P` rules take the
 * review's polarity and `_O` rules the opposite one (see polarize).
 */
export const CONTEXT_RULES = bookOf('CONTEXT_RULES');
/** Polarised phrase pools shared by both labels in the context rules. */
export const POLAR_POOLS = bookOf('POLAR_POOLS');
/** Rules written separately for each polarity: faint praise and its mirror, sarcasm, double negations. */
export const ONE_WAY_RULES = bookOf('ONE_WAY_RULES');

/** `{name_P}` / `{name_O}` templates as `name_pos` and `name_neg` rules. */
export function polarize(book: RuleBook): RuleBook {
  const out: Record<string, readonly string[]> = {};
  const swap = (t: string, p: string, o: string) => t.replace(/_P\}/g, `_${p}}`).replace(/_O\}/g, `_${o}}`);
  for (const [name, templates] of Object.entries(book)) {
    out[`${name}_pos`] = templates.map((t) => swap(t, 'pos', 'neg'));
    out[`${name}_neg`] = templates.map((t) => swap(t, 'neg', 'pos'));
  }
  return out;
}
