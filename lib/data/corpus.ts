// The offline IMDb-like corpus: seeded, deterministic, shaped like the real thing where it matters
// for the workshop — balanced labels, sentiment that sometimes needs context, IMDb's habits, and
// above all IMDb's length distribution in RoBERTa tokens (the README section on the data has the calibration).
import { Grammar } from './grammar';
import type * as Gpt3Encoder from 'gpt-3-encoder';
import {
  CONTEXT_RULES,
  DECADES,
  FEMALE_NAMES,
  FUNNY_GENRES,
  GENRES,
  MALE_NAMES,
  ONE_WAY_RULES,
  PLACES,
  POLAR_POOLS,
  RULES,
  SLOT_NAMES,
  SURNAMES,
  TENSE_GENRES,
  polarize,
} from './lexicon';
import { Rng, normal, permutation, pick, randInt, rngFor, shuffled } from '../random';

const FEMALE_TITLES = ['Mrs.', 'Miss', 'Dr.', 'Detective'];
const MALE_TITLES = ['Mr.', 'Dr.', 'Detective', 'Captain'];
import { GPT2_PRE_TOKEN, bpeTokenCount, robertaTokenCount } from './token-count';

/** The labelled splits. */
export type Split = 'train' | 'validation' | 'test';
export const SPLITS: readonly Split[] = ['train', 'validation', 'test'];
/** The labelled splits plus unlabelled reviews for pretraining, like IMDb's `unsup` folder. */
export type CorpusSplit = Split | 'unsupervised';
/** IMDb ships 50,000 unlabelled reviews. */
export const DEFAULT_UNSUPERVISED_SIZE = 50000;
/** The label of every unsupervised review (Hugging Face's imdb uses the same). */
export const UNLABELLED = -1;

export interface Review {
  text: string;
  /** 0 = negative, 1 = positive (-1 in the unsupervised split) */
  label: number;
}

/**
 * How a review signals its sentiment: `plain` reviews say it throughout; the others need context —
 * negation scope, a "but" turn, both sides weighed in a closing verdict, praise of the parts against
 * a verdict on the whole, faint praise (and its mirror, where the same mild praise is the least of
 * it), comparisons with other films, sarcasm (negative only).
 */
export type ReviewKind = 'plain' | 'negation' | 'contrast' | 'mixed' | 'parts' | 'faint' | 'comparison' | 'sarcasm';
export const REVIEW_KINDS: readonly ReviewKind[] = [
  'plain',
  'negation',
  'contrast',
  'mixed',
  'parts',
  'faint',
  'comparison',
  'sarcasm',
];
/** Kinds that only occur in negative reviews; positive reviews spread their share over the other context kinds. */
const NEGATIVE_ONLY_KINDS: ReadonlySet<ReviewKind> = new Set(['sarcasm']);

export interface GeneratedReview extends Review {
  /** The sentiment the text expresses; differs from `label` for the ~2% noisy labels. */
  sentiment: number;
  kind: ReviewKind;
  /** Length drawn for this review, RoBERTa tokens including <s> and </s>. */
  targetTokens: number;
}

export interface CorpusSizes {
  train: number;
  validation: number;
  test: number;
}

export const DEFAULT_SIZES: CorpusSizes = { train: 36000, validation: 4000, test: 10000 };

/**
 * Knobs of the generator. IMDb's published RoBERTa figures (mean 300, p95 705, 13.6% over 512) are
 * close to a log-normal with median 245 and sigma 0.64. Reviews are built sentence by
 * sentence, which trims the upper tail a little, so sigma 0.67 lands the measured figures nearer the
 * targets (the README section on the data has the numbers).
 */
export const CORPUS_SETTINGS = {
  medianTokens: 245,
  sigma: 0.67,
  minTokens: 16,
  maxTokens: 3000,
  labelNoise: 0.02,
  /**
   * Share of each review kind over both labels; the non-plain kinds need context to read. About a
   * third brings a unigram bag of words below IMDb's 0.88 (the README section on the data has the
   * figures); sarcasm stays rare.
   */
  kindShares: {
    plain: 0.7,
    negation: 0.07,
    contrast: 0.06,
    mixed: 0.04,
    parts: 0.05,
    faint: 0.03,
    comparison: 0.04,
    sarcasm: 0.01,
  } as Record<ReviewKind, number>,
  /** Chance that a review separates paragraphs with IMDb's `<br /><br />` rather than a space. */
  lineBreakShare: 0.8,
};

let compiledGrammar: Grammar | null = null;

/** Built on first use: measuring every template piece loads GPT-2's BPE tables (~0.3 s). */
function grammar(): Grammar {
  compiledGrammar ??= new Grammar(
    {
      ...RULES,
      ...POLAR_POOLS,
      ...polarize(CONTEXT_RULES),
      ...ONE_WAY_RULES,
      titlePlace: PLACES,
      titleFirst: [...FEMALE_NAMES, ...MALE_NAMES],
    },
    bpeTokenCount,
  );
  return compiledGrammar;
}

/** Rule names whose `_pos` / `_neg` variants describe one aspect of a film. */
const BASE_ASPECTS = [
  'acting',
  'script',
  'direction',
  'photo',
  'music',
  'pacing',
  'ending',
  'characters',
  'design',
  'acting',
  'script',
];

type Polarity = 'pos' | 'neg';

interface Sentence {
  text: string;
  tokens: number;
}

function capitalize(s: string): string {
  const c = s.charCodeAt(0);
  return c >= 97 && c <= 122 ? String.fromCharCode(c - 32) + s.slice(1) : s;
}

/** One review's cast, title and so on, as grammar slots. */
function makeSlots(rng: Rng): { slots: Map<string, string>; genre: string } {
  const slots = new Map<string, string>();
  const person = (): { first: string; last: string; female: boolean } => {
    const female = rng() < 0.5;
    return { first: pick(rng, female ? FEMALE_NAMES : MALE_NAMES), last: pick(rng, SURNAMES), female };
  };
  const [genre, genres] = pick(rng, GENRES);
  const year = randInt(rng, 1934, 2009);
  const title = grammar().expand('filmTitle', rng, slots);
  slots.set('title', rng() < 0.3 ? `"${title}"` : title);
  slots.set('otherTitle', grammar().expand('filmTitle', rng, slots));
  slots.set('year', String(year));
  slots.set('year2', String(Math.min(2010, year + randInt(rng, 0, 12))));
  slots.set('decade', year >= 1950 && year < 2000 ? DECADES[Math.floor((year - 1950) / 10)] : pick(rng, DECADES));
  slots.set('genre', genre);
  slots.set('aGenre', `${/^[aeiou]/.test(genre) ? 'an' : 'a'} ${genre}`);
  slots.set('genres', genres);
  const director = person();
  slots.set('director', `${director.first} ${director.last}`);
  const composer = person();
  slots.set('composer', `${composer.first} ${composer.last}`);
  const author = person();
  slots.set('author', `${author.first} ${author.last}`);
  for (const k of [1, 2, 3]) {
    const actor = person();
    const character = person();
    slots.set(`actor${k}`, `${actor.first} ${actor.last}`);
    // Characters share the actor's gender; some go by title + surname, most by first name.
    const first = pick(rng, actor.female ? FEMALE_NAMES : MALE_NAMES);
    const charName =
      rng() < 0.15 ? `${pick(rng, actor.female ? FEMALE_TITLES : MALE_TITLES)} ${character.last}` : first;
    slots.set(`char${k}`, charName);
    slots.set(`he${k}`, actor.female ? 'she' : 'he');
    slots.set(`his${k}`, actor.female ? 'her' : 'his');
    slots.set(`him${k}`, actor.female ? 'her' : 'him');
  }
  slots.set('place', pick(rng, PLACES));
  slots.set('occupation1', grammar().expand('occupation', rng, slots));
  slots.set('occupation2', grammar().expand('occupation', rng, slots));
  // One storyline per review, so a long plot summary does not contradict itself.
  const story: Array<[string, string]> = [
    ['hook', 'plotHook'],
    ['incident', 'plotEvent'],
    ['quest', 'plotGoal'],
    ['mission', 'plotGoal2'],
    ['sideline', 'subplot'],
    ['firstScene', 'openingScene'],
    ['locale', 'setting'],
    ['twist', 'twistHint'],
  ];
  for (const [slot, rule] of story) slots.set(slot, grammar().expand(rule, rng, slots));
  return { slots, genre };
}

/** Kind shares among reviews of one sentiment; both sentiments get the same share of context kinds. */
export function kindSharesFor(sentiment: number): Record<ReviewKind, number> {
  const shares = { ...CORPUS_SETTINGS.kindShares };
  if (sentiment === 1) {
    let oneWay = 0;
    let twoWay = 0;
    for (const kind of REVIEW_KINDS) {
      if (NEGATIVE_ONLY_KINDS.has(kind)) oneWay += shares[kind];
      else if (kind !== 'plain') twoWay += shares[kind];
    }
    for (const kind of REVIEW_KINDS) {
      if (NEGATIVE_ONLY_KINDS.has(kind)) shares[kind] = 0;
      else if (kind !== 'plain') shares[kind] *= 1 + oneWay / twoWay;
    }
  } else {
    // Negative reviews take the one-way kinds at twice their overall share (positives have none).
    let extra = 0;
    for (const kind of NEGATIVE_ONLY_KINDS) extra += shares[kind];
    for (const kind of NEGATIVE_ONLY_KINDS) shares[kind] *= 2;
    let twoWay = 0;
    const twoWayKinds = REVIEW_KINDS.filter((kind) => !NEGATIVE_ONLY_KINDS.has(kind) && kind !== 'plain');
    for (const kind of twoWayKinds) twoWay += shares[kind];
    for (const kind of twoWayKinds) shares[kind] *= 1 - extra / twoWay;
  }
  return shares;
}

const SHARES_BY_SENTIMENT = [kindSharesFor(0), kindSharesFor(1)];

function drawKind(rng: Rng, sentiment: number): ReviewKind {
  let u = rng();
  for (const kind of REVIEW_KINDS) {
    const share = SHARES_BY_SENTIMENT[sentiment][kind];
    if (u < share) return kind;
    u -= share;
  }
  return 'plain';
}

/** Log-normal length in RoBERTa tokens (with <s></s>), clipped to a plausible range. */
function drawTargetTokens(rng: Rng): number {
  const { medianTokens, sigma, minTokens, maxTokens } = CORPUS_SETTINGS;
  const t = Math.round(medianTokens * Math.exp(sigma * normal(rng)));
  return Math.max(minTokens, Math.min(maxTokens, t));
}

/** Builds the sentences of one review; cycles through each rule's templates to avoid repeats. */
class ReviewWriter {
  private readonly aspects: string[];
  private aspectQueue: string[] = [];
  private readonly templateQueues = new Map<string, number[]>();

  constructor(
    private readonly rng: Rng,
    private readonly slots: Map<string, string>,
    genre: string,
  ) {
    this.aspects = [...BASE_ASPECTS];
    if (FUNNY_GENRES.has(genre)) this.aspects.push('humor', 'humor');
    if (TENSE_GENRES.has(genre)) this.aspects.push('suspense', 'suspense', 'effects');
    if (genre.includes('romantic') || genre === 'drama' || genre === 'period drama') this.aspects.push('chemistry');
  }

  sentence(rule: string): Sentence {
    let queue = this.templateQueues.get(rule);
    if (!queue || queue.length === 0) {
      queue = permutation(this.rng, grammar().templateCount(rule));
      this.templateQueues.set(rule, queue);
    }
    const expansion = grammar().expandTemplateCounted(rule, queue.pop() as number, this.rng, this.slots);
    // Capitals and the marks below rarely change the count; the target is approximate anyway.
    let text = capitalize(expansion.text);
    // IMDb habit: the occasional exclamation or trailing ellipsis in an opinion.
    if ((rule.endsWith('_pos') || rule.endsWith('_neg')) && text.endsWith('.')) {
      const u = this.rng();
      if (u < 0.06) text = text.slice(0, -1) + '!';
      else if (u < 0.08) text = text.slice(0, -1) + '!!';
      else if (u < 0.1) text = text.slice(0, -1) + '...';
    }
    return { text, tokens: expansion.tokens };
  }

  /** The next aspect opinion; aspects cycle so long reviews cover many before repeating. */
  aspect(polarity: Polarity): Sentence {
    if (this.aspectQueue.length === 0) this.aspectQueue = shuffled(this.rng, this.aspects);
    return this.sentence(`${this.aspectQueue.pop() as string}_${polarity}`);
  }
}

function opposite(p: Polarity): Polarity {
  return p === 'pos' ? 'neg' : 'pos';
}

const PARAGRAPH_BREAK = '<br /><br />';
/** Tokens a paragraph break adds beyond the space it replaces (5-6, depending on neighbours). */
const PARAGRAPH_BREAK_TOKENS = 5;
/** Mean paragraph length in sentences (toParagraphs draws 2-6). */
const SENTENCES_PER_PARAGRAPH = 4;
/** A plot summary longer than this starts repeating itself; long reviews fill up with opinions. */
const MAX_PLOT_SENTENCES = 9;

/** What one review says, before the filler: opening, must-have cues and closing. */
interface ReviewPlan {
  opening: Sentence[];
  /** Cues that go in the agreeing part of the body. */
  cues: Sentence[];
  /** Two-sided reviews: cues for the disagreeing part. */
  otherCues: Sentence[];
  closing: Sentence[];
  /** Picks the next filler sentence and whether it agrees with the review's polarity. */
  filler: () => { sentence: Sentence; agrees: boolean };
  /** Two-sided reviews put the disagreeing sentences in a block of their own. */
  twoSided: null | { otherFirst: boolean; otherIntro: Sentence; agreeIntro: Sentence };
}

function planReview(rng: Rng, w: ReviewWriter, polarity: Polarity, kind: ReviewKind): ReviewPlan {
  const other = opposite(polarity);
  const opening: Sentence[] = [];
  const cues: Sentence[] = [];
  const otherCues: Sentence[] = [];
  const closing: Sentence[] = [];
  if (rng() < 0.7) opening.push(w.sentence('opening'));
  const u = rng();
  let scoreChance = 0.2;
  let twoSided: ReviewPlan['twoSided'] = null;
  let filler: ReviewPlan['filler'];
  const neutral = (r: number): Sentence => w.sentence(r < 0.7 ? 'aside' : 'memory');
  /** Opinions beyond the aspect list: a scene, a comparison, advice, a rhetorical question. */
  const remark = (p: Polarity): Sentence =>
    w.sentence(`${pick(rng, ['scene', 'scene', 'compare', 'advice', 'question'])}_${p}`);

  if (kind === 'plain') {
    scoreChance = 0.35;
    // Most reviewers say early what they thought.
    if (u < 0.5) opening.push(w.sentence(`overallOpinion_${polarity}`));
    else if (u < 0.7) opening.push(w.sentence(`direct_${polarity}`));
    else if (u < 0.85) opening.push(w.sentence(`expectation_${polarity}`));
    cues.push(w.aspect(polarity));
    closing.push(w.sentence(rng() < 0.75 ? `verdict_${polarity}` : `reaction_${polarity}`));
    filler = () => {
      const r = rng();
      if (r < 0.35) return { sentence: w.aspect(polarity), agrees: true };
      if (r < 0.55) return { sentence: w.sentence(`direct_${polarity}`), agrees: true };
      if (r < 0.62) return { sentence: w.sentence(`reaction_${polarity}`), agrees: true };
      if (r < 0.75) return { sentence: remark(polarity), agrees: true };
      if (r < 0.82)
        return { sentence: w.sentence(polarity === 'pos' ? 'minorComplaint' : 'minorPraise'), agrees: false };
      if (r < 0.86) return { sentence: w.sentence(`hedged_${polarity}`), agrees: true };
      return { sentence: neutral(rng()), agrees: true };
    };
  } else if (kind === 'negation') {
    // The review says what the film is not: the negated words point the other way. No score and
    // few plain opinions, so the negations carry it.
    scoreChance = 0;
    const negation = (): Sentence => w.sentence(rng() < 0.2 ? `doubleNegation_${polarity}` : `negation_${polarity}`);
    if (u < 0.5) opening.push(negation());
    cues.push(negation(), negation());
    closing.push(rng() < 0.1 ? w.sentence(`verdict_${polarity}`) : negation());
    filler = () => {
      const r = rng();
      if (r < 0.08) return { sentence: w.aspect(polarity), agrees: true };
      if (r < 0.6) return { sentence: negation(), agrees: true };
      return { sentence: neutral(rng()), agrees: true };
    };
  } else if (kind === 'contrast') {
    // First the other side (a slow start, a promising opening), then the turn.
    scoreChance = 0.05;
    cues.push(w.sentence(`contrast_${polarity}`));
    if (rng() < 0.5) cues.push(w.sentence(`contrast_${polarity}`));
    // The turn also shows inside the first half, so a review cut short still has one.
    otherCues.push(w.sentence(`contrast_${polarity}`));
    const v = rng();
    const closer = v < 0.1 ? 'verdict' : v < 0.55 ? 'mixedVerdict' : 'contrast';
    closing.push(w.sentence(`${closer}_${polarity}`));
    twoSided = {
      otherFirst: true,
      otherIntro: w.sentence(`concession_${polarity}`),
      agreeIntro: w.sentence(`turn_${polarity}`),
    };
    // The concession is about as long as the rest.
    let conceded = 0;
    filler = () => {
      const r = rng();
      if (r < 0.45 && conceded < 8) {
        conceded++;
        // Only the agreeing side gets whole-film reactions ("bored from start to finish").
        return { sentence: r < 0.35 ? w.aspect(other) : remark(other), agrees: false };
      }
      if (r < 0.75) return { sentence: w.aspect(polarity), agrees: true };
      if (r < 0.9) return { sentence: w.sentence(`contrast_${polarity}`), agrees: true };
      return { sentence: w.sentence(`partWhole_${polarity}`), agrees: true };
    };
  } else if (kind === 'parts') {
    // The parts are judged one way and the whole the other: praise of the acting and the music
    // before "and yet the film is dull", and the reverse.
    scoreChance = 0;
    if (u < 0.4) opening.push(w.sentence(`partWhole_${polarity}`));
    cues.push(w.sentence(`partWhole_${polarity}`), w.aspect(other));
    closing.push(w.sentence(`partsVerdict_${polarity}`));
    filler = () => {
      const r = rng();
      if (r < 0.55) return { sentence: w.aspect(other), agrees: true };
      if (r < 0.7) return { sentence: w.sentence(`partWhole_${polarity}`), agrees: true };
      return { sentence: neutral(rng()), agrees: true };
    };
  } else if (kind === 'faint') {
    // Negative: the one good word goes to the costumes; the film itself gets none. Positive: the
    // same mild words, but as the least of the film's merits.
    scoreChance = 0;
    cues.push(w.sentence(`faint_${polarity}`), w.sentence(`faint_${polarity}`));
    closing.push(w.sentence(rng() < 0.6 ? `faint_${polarity}` : 'signOff'));
    filler = () => {
      const r = rng();
      if (r < 0.3) return { sentence: w.sentence(`faint_${polarity}`), agrees: true };
      if (r < 0.4) return { sentence: w.sentence(pick(rng, ['hedged_pos', 'hedged_neg'])), agrees: true };
      return { sentence: neutral(rng()), agrees: true };
    };
  } else if (kind === 'comparison') {
    // Another film is better or worse: which one comes first decides.
    scoreChance = 0;
    if (u < 0.4) opening.push(w.sentence(`compare_${polarity}`));
    cues.push(w.sentence(`compare_${polarity}`), w.sentence(`compare_${polarity}`));
    closing.push(w.sentence(`compare_${polarity}`));
    filler = () => {
      const r = rng();
      if (r < 0.4) return { sentence: w.sentence(`compare_${polarity}`), agrees: true };
      if (r < 0.52) return { sentence: w.aspect(polarity), agrees: true };
      if (r < 0.64) return { sentence: w.aspect(other), agrees: true };
      return { sentence: neutral(rng()), agrees: true };
    };
  } else if (kind === 'sarcasm') {
    // Negative only: praise words that mean the opposite, among plain complaints.
    scoreChance = 0.1;
    cues.push(w.sentence('sarcasm_neg'), w.sentence('sarcasm_neg'));
    closing.push(w.sentence('sarcasm_neg'));
    filler = () => {
      const r = rng();
      if (r < 0.35) return { sentence: w.sentence('sarcasm_neg'), agrees: true };
      if (r < 0.5) return { sentence: w.aspect('neg'), agrees: true };
      return { sentence: neutral(rng()), agrees: true };
    };
  } else {
    // Mixed: the body argues both sides evenly; only the verdict at the end settles it.
    scoreChance = 0;
    if (u < 0.6) opening.push(w.sentence('hedgeOpening'));
    cues.push(w.aspect(polarity));
    otherCues.push(w.aspect(other));
    closing.push(w.sentence(`mixedVerdict_${polarity}`));
    const pos = w.sentence('goodIntro');
    const neg = w.sentence('badIntro');
    twoSided = {
      otherFirst: rng() < 0.5,
      otherIntro: polarity === 'pos' ? neg : pos,
      agreeIntro: polarity === 'pos' ? pos : neg,
    };
    // Alternate sides (randomly when level), so neither side outweighs the other by much.
    let balance = 0;
    filler = () => {
      const agrees = balance === 0 ? rng() < 0.5 : balance < 0;
      balance += agrees ? 1 : -1;
      const side = agrees ? polarity : other;
      return { sentence: rng() < 0.8 ? w.aspect(side) : remark(side), agrees };
    };
  }
  if (rng() < scoreChance) closing.push(w.sentence(`score_${polarity}`));
  else if (rng() < 0.05) closing.push(w.sentence('signOff'));
  return { opening, cues, otherCues, closing, filler, twoSided };
}

function writeReview(rng: Rng, polarity: Polarity, kind: ReviewKind, targetTokens: number): string {
  const { slots, genre } = makeSlots(rng);
  const w = new ReviewWriter(rng, slots, genre);
  const plan = planReview(rng, w, polarity, kind);
  const useBreaks = rng() < CORPUS_SETTINGS.lineBreakShare;
  // Paragraph breaks cost tokens too: charge each sentence its share of one break.
  const overhead = useBreaks ? PARAGRAPH_BREAK_TOKENS / SENTENCES_PER_PARAGRAPH : 0;
  const cost = (s: Sentence) => s.tokens + overhead;
  const sum = (xs: Sentence[]) => xs.reduce((n, s) => n + cost(s), 0);
  const budget = targetTokens - 2;

  const { opening, cues, otherCues, closing } = plan;
  const twoSidedIntros = plan.twoSided ? [plan.twoSided.otherIntro, plan.twoSided.agreeIntro] : [];
  // Short reviews: drop the neutral opening first, then optional closers, then extra cues.
  const fixedCost = () => sum(opening) + sum(cues) + sum(otherCues) + sum(closing);
  while (fixedCost() > budget) {
    if (opening.length > 0) opening.shift();
    else if (closing.length > 1) closing.pop();
    else if (otherCues.length > 0) otherCues.pop();
    else if (cues.length > 1) cues.pop();
    else break;
  }

  // Fill to the budget with plot summary, then opinions. A sentence goes in when that brings the
  // total closer to the target than leaving it out, which keeps lengths unbiased.
  let used = fixedCost();
  const fits = (s: Sentence) => used + cost(s) - budget < budget - used;
  const room = budget - used;
  const plot: Sentence[] = [];
  if (room > 60) {
    const plotBudget = used + room * (0.1 + 0.25 * rng());
    while (used < plotBudget && plot.length < MAX_PLOT_SENTENCES) {
      const s = w.sentence(plot.length === 0 ? 'plotIntro' : 'plot');
      if (!fits(s)) break;
      plot.push(s);
      used += cost(s);
    }
  }
  const agreeing: Sentence[] = [];
  const disagreeing: Sentence[] = [...otherCues];
  let intros = false;
  while (used < budget) {
    const { sentence, agrees } = plan.filler();
    if (!fits(sentence)) break;
    (agrees || !plan.twoSided ? agreeing : disagreeing).push(sentence);
    used += cost(sentence);
    // A two-sided review announces its halves once it is long enough to have halves.
    if (
      plan.twoSided &&
      !intros &&
      disagreeing.length >= 2 &&
      agreeing.length >= 1 &&
      fits({ text: '', tokens: sum(twoSidedIntros) })
    ) {
      intros = true;
      used += sum(twoSidedIntros);
    }
  }

  for (const cue of cues) agreeing.splice(Math.floor(rng() * (agreeing.length + 1)), 0, cue);
  let blocks: Sentence[][];
  if (plan.twoSided) {
    const { otherFirst, otherIntro, agreeIntro } = plan.twoSided;
    const agreeBlock = intros ? [agreeIntro, ...agreeing] : agreeing;
    const otherBlock = intros ? [otherIntro, ...disagreeing] : disagreeing;
    blocks = otherFirst ? [otherBlock, agreeBlock] : [agreeBlock, otherBlock];
  } else {
    blocks = [agreeing];
  }
  const paragraphs = toParagraphs(rng, [...opening, ...plot], blocks, closing);
  const text = paragraphs.map((p) => p.map((s) => s.text).join(' ')).join(useBreaks ? PARAGRAPH_BREAK : ' ');
  return rng() < 0.02 ? text.toLowerCase() : text;
}

/** Paragraphs of 2-6 sentences; each block (one side of a two-sided review) starts a new one. */
function toParagraphs(rng: Rng, intro: Sentence[], blocks: Sentence[][], closing: Sentence[]): Sentence[][] {
  const paragraphs: Sentence[][] = [];
  if (intro.length > 0) paragraphs.push(intro);
  for (const block of blocks) {
    let current: Sentence[] = [];
    let size = randInt(rng, 2, 6);
    for (const s of block) {
      current.push(s);
      if (current.length >= size) {
        paragraphs.push(current);
        current = [];
        size = randInt(rng, 2, 6);
      }
    }
    if (current.length > 0) paragraphs.push(current);
  }
  if (paragraphs.length > 0 && rng() < 0.5) paragraphs[paragraphs.length - 1].push(...closing);
  else paragraphs.push(closing);
  return paragraphs;
}

/** What a review is before it is written: its label, sentiment, kind and length. */
interface ReviewHeader {
  rng: Rng;
  label: number;
  sentiment: number;
  kind: ReviewKind;
  targetTokens: number;
}

function drawHeader(seed: number, split: CorpusSplit, index: number, attempt: number): ReviewHeader {
  const pairFirst = rngFor(seed, split, 'pair', Math.floor(index / 2))() < 0.5 ? 0 : 1;
  const pairLabel = index % 2 === 0 ? pairFirst : 1 - pairFirst;
  const rng = attempt === 0 ? rngFor(seed, split, index) : rngFor(seed, split, index, 'attempt', attempt);
  const noisy = rng() < CORPUS_SETTINGS.labelNoise;
  // Unlabelled reviews are balanced by sentiment the same way; only the label is withheld.
  const sentiment = noisy && split !== 'unsupervised' ? 1 - pairLabel : pairLabel;
  const label = split === 'unsupervised' ? UNLABELLED : pairLabel;
  const kind = drawKind(rng, sentiment);
  const targetTokens = drawTargetTokens(rng);
  return { rng, label, sentiment, kind, targetTokens };
}

function writeFromHeader(header: ReviewHeader): GeneratedReview {
  const { rng, label, sentiment, kind, targetTokens } = header;
  const text = writeReview(rng, sentiment === 1 ? 'pos' : 'neg', kind, targetTokens);
  return { text, label, sentiment, kind, targetTokens };
}

/**
 * An unlabelled review can only repeat a labelled one when both are short (long reviews have far
 * too many choices to coincide). Unlabelled reviews up to this many tokens are checked against the
 * labelled ones that could be that short.
 */
const SHORT_REVIEW_TOKENS = 100;
/**
 * A review ends at most about 40 tokens short of the length it drew (half its longest sentence), so
 * every review shorter than SHORT_REVIEW_TOKENS drew at most this many.
 */
const SHORT_TARGET_TOKENS = SHORT_REVIEW_TOKENS + 50;
const shortLabelledTexts = new Map<number, Set<string>>();

/** Texts of the labelled reviews (default split sizes) that drew a short length, per seed. */
function labelledShortTexts(seed: number): Set<string> {
  let texts = shortLabelledTexts.get(seed);
  if (!texts) {
    texts = new Set();
    for (const split of SPLITS) {
      for (let i = 0; i < DEFAULT_SIZES[split]; i++) {
        const header = drawHeader(seed, split, i, 0);
        if (header.targetTokens <= SHORT_TARGET_TOKENS) texts.add(writeFromHeader(header).text);
      }
    }
    shortLabelledTexts.set(seed, texts);
  }
  return texts;
}

/**
 * Review `index` of `split` for `seed`. Labels come in pairs (one positive, one negative in random
 * order), so every even-sized prefix of a split is exactly balanced. The unsupervised split has
 * label -1 and never repeats a text of the labelled splits (at their default sizes).
 */
export function generateReview(seed: number, split: CorpusSplit, index: number): GeneratedReview {
  if (split !== 'unsupervised') return writeFromHeader(drawHeader(seed, split, index, 0));
  for (let attempt = 0; ; attempt++) {
    const header = drawHeader(seed, split, index, attempt);
    const review = writeFromHeader(header);
    if (header.targetTokens > SHORT_TARGET_TOKENS || !labelledShortTexts(seed).has(review.text)) return review;
  }
}

export function generateSplit(seed: number, split: CorpusSplit, count: number): GeneratedReview[] {
  const out: GeneratedReview[] = [];
  for (let i = 0; i < count; i++) out.push(generateReview(seed, split, i));
  return out;
}

/**
 * The unlabelled texts one at a time (pretraining reads them as a stream; 50,000 take a few seconds
 * to write, so nothing is held in memory that the caller does not keep).
 */
export function* unsupervisedTexts(seed: number, count: number = DEFAULT_UNSUPERVISED_SIZE): Generator<string> {
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(`unsupervisedTexts: count must be a non-negative integer, got ${count}`);
  }
  for (let i = 0; i < count; i++) yield generateReview(seed, 'unsupervised', i).text;
}

/** Distinct RoBERTa token ids (GPT-2 BPE, without <s></s>) over `texts`; each distinct pre-token is encoded once. */
export function distinctTokenIds(texts: Iterable<string>): number {
  const pieces = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(GPT2_PRE_TOKEN)) pieces.add(match[0]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (~0.3 s)
  const { encode } = require('gpt-3-encoder') as typeof Gpt3Encoder;
  const ids = new Set<number>();
  for (const piece of pieces) for (const id of encode(piece)) ids.add(id);
  return ids.size;
}

export interface CorpusOptions {
  seed: number;
  sizes?: Partial<CorpusSizes>;
}

export type Corpus = Record<Split, Review[]>;
export type DetailedCorpus = Record<Split, GeneratedReview[]>;

function resolveSizes(sizes: Partial<CorpusSizes> | undefined): CorpusSizes {
  const out = { ...DEFAULT_SIZES, ...sizes };
  for (const split of SPLITS) {
    const n = out[split];
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`generateCorpus: sizes.${split} must be a non-negative integer, got ${n}`);
  }
  return out;
}

/** The corpus with everything the generator knows about each review (kind, noise, lengths). */
export function generateCorpusDetailed({ seed, sizes }: CorpusOptions): DetailedCorpus {
  const resolved = resolveSizes(sizes);
  return {
    train: generateSplit(seed, 'train', resolved.train),
    validation: generateSplit(seed, 'validation', resolved.validation),
    test: generateSplit(seed, 'test', resolved.test),
  };
}

/** `{train, validation, test}` arrays of `{text, label}`, deterministic for `seed`. */
export function generateCorpus(options: CorpusOptions): Corpus {
  const detailed = generateCorpusDetailed(options);
  const strip = (rs: GeneratedReview[]): Review[] => rs.map(({ text, label }) => ({ text, label }));
  return { train: strip(detailed.train), validation: strip(detailed.validation), test: strip(detailed.test) };
}

export interface LengthStats {
  count: number;
  mean: number;
  median: number;
  p95: number;
  max: number;
  /** Share of reviews longer than 512 RoBERTa tokens. */
  over512: number;
  /** Share of reviews longer than 256 RoBERTa tokens. */
  over256: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Summary of lengths given in RoBERTa tokens (including <s></s>). */
export function lengthStats(lengths: number[]): LengthStats {
  const sorted = [...lengths].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    count: n,
    mean: sorted.reduce((a, b) => a + b, 0) / n,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted[n - 1],
    over512: sorted.filter((t) => t > 512).length / n,
    over256: sorted.filter((t) => t > 256).length / n,
  };
}

export interface CorpusStats {
  count: number;
  positive: number;
  negative: number;
  noisyLabels: number;
  kinds: Record<ReviewKind, number>;
  /** Reviews whose sentiment needs context to read (every kind but plain). */
  needContext: number;
  needContextShare: number;
  lengths: LengthStats;
}

export function corpusStats(reviews: GeneratedReview[]): CorpusStats {
  const kinds = Object.fromEntries(REVIEW_KINDS.map((kind) => [kind, 0])) as Record<ReviewKind, number>;
  let positive = 0;
  let noisy = 0;
  let negative = 0;
  for (const r of reviews) {
    kinds[r.kind]++;
    if (r.label === 1) positive++;
    if (r.label === 0) negative++;
    if (r.label !== UNLABELLED && r.label !== r.sentiment) noisy++;
  }
  const needContext = reviews.length - kinds.plain;
  return {
    count: reviews.length,
    positive,
    negative,
    noisyLabels: noisy,
    kinds,
    needContext,
    needContextShare: needContext / reviews.length,
    lengths: lengthStats(reviews.map((r) => robertaTokenCount(r.text))),
  };
}

/** Grammar self-check used by the tests: every `{name}` a template uses is defined somewhere. */
export function undefinedGrammarReferences(): string[] {
  return grammar().undefinedReferences([...SLOT_NAMES]);
}
