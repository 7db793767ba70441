// A tiny template grammar: `{rule}` expands a named rule (or a per-review slot such as the film's
// title), `[a|b|c]` picks one alternative (nesting allowed, `[a|]` makes `a` optional). Templates
// are parsed once into trees; expansion is then just walking them with a random source.
//
// With a `measure` function (a token counter), expansion also returns the text's length in tokens,
// summed from counts precomputed per text piece. Pieces are counted with the space that precedes
// them where there is one, because byte-level BPE attaches a space to the following word; the sum
// can still be off by a token where two punctuation marks meet across pieces, which is fine for
// aiming at a length (the corpus tests measure the real lengths).
import { Rng } from '../random';

interface TextNode {
  kind: 'text';
  text: string;
  /** Tokens of `text` without its trailing spaces, as it stands and after a space. */
  tokens: number;
  tokensAfterSpace: number;
  endsWithSpace: boolean;
}

type Node = TextNode | { kind: 'rule'; name: string } | { kind: 'choice'; options: Node[][] };

export type Template = Node[];
export type RuleBook = Record<string, readonly string[]>;

function textNode(text: string): TextNode {
  return { kind: 'text', text, tokens: 0, tokensAfterSpace: 0, endsWithSpace: text.endsWith(' ') };
}

function parseSequence(src: string, pos: number, inChoice: boolean): { nodes: Node[]; end: number } {
  const nodes: Node[] = [];
  let text = '';
  const flush = () => {
    if (text) nodes.push(textNode(text));
    text = '';
  };
  let i = pos;
  while (i < src.length) {
    const c = src[i];
    if (inChoice && (c === '|' || c === ']')) break;
    if (c === '{') {
      const close = src.indexOf('}', i);
      if (close < 0) throw new Error(`template "${src}": unclosed "{" at ${i}`);
      flush();
      nodes.push({ kind: 'rule', name: src.slice(i + 1, close) });
      i = close + 1;
    } else if (c === '[') {
      flush();
      const options: Node[][] = [];
      let j = i + 1;
      for (;;) {
        const part = parseSequence(src, j, true);
        options.push(part.nodes);
        if (part.end >= src.length) throw new Error(`template "${src}": unclosed "[" at ${i}`);
        j = part.end + 1;
        if (src[part.end] === ']') break;
      }
      nodes.push({ kind: 'choice', options });
      i = j;
    } else if (!inChoice && (c === ']' || c === '|')) {
      throw new Error(`template "${src}": stray "${c}" at ${i}`);
    } else {
      text += c;
      i++;
    }
  }
  flush();
  return { nodes, end: i };
}

export function parseTemplate(src: string): Template {
  return parseSequence(src, 0, false).nodes;
}

/** Text plus its (approximate) token count. */
export interface Expansion {
  text: string;
  tokens: number;
}

/** Running state of a counted expansion: tokens so far, and whether a space waits for the next word. */
interface Counter {
  tokens: number;
  pendingSpace: boolean;
}

/** Compiled rules plus per-expansion slots (title, names) that shadow rules of the same name. */
export class Grammar {
  private readonly rules = new Map<string, Template[]>();
  /** Token counts of slot values, as they stand and after a space (keyed by the value itself). */
  private readonly slotTokens = new Map<string, number>();
  private readonly slotTokensAfterSpace = new Map<string, number>();

  constructor(
    book: RuleBook,
    private readonly measure: ((text: string) => number) | null = null,
  ) {
    for (const [name, templates] of Object.entries(book)) {
      if (templates.length === 0) throw new Error(`grammar rule "${name}" has no templates`);
      this.rules.set(name, templates.map(parseTemplate));
    }
    if (measure) for (const templates of this.rules.values()) templates.forEach((t) => this.measureNodes(t, measure));
  }

  private measureNodes(nodes: Node[], measure: (text: string) => number): void {
    for (const node of nodes) {
      if (node.kind === 'text') {
        const core = node.text.replace(/ +$/, '');
        node.tokens = measure(core);
        node.tokensAfterSpace = core.startsWith(' ') || core === '' ? node.tokens : measure(' ' + core);
      } else if (node.kind === 'choice') {
        node.options.forEach((o) => this.measureNodes(o, measure));
      }
    }
  }

  has(name: string): boolean {
    return this.rules.has(name);
  }

  /** Rule names referenced by some template but defined nowhere (and not in `slotNames`). */
  undefinedReferences(slotNames: readonly string[]): string[] {
    const missing = new Set<string>();
    const visit = (nodes: Node[]) => {
      for (const node of nodes) {
        if (node.kind === 'rule' && !this.rules.has(node.name) && !slotNames.includes(node.name))
          missing.add(node.name);
        if (node.kind === 'choice') node.options.forEach(visit);
      }
    };
    for (const templates of this.rules.values()) templates.forEach(visit);
    return [...missing].sort();
  }

  expand(name: string, rng: Rng, slots: ReadonlyMap<string, string>): string {
    return this.expandRule(name, rng, slots, 0, null);
  }

  /** Number of top-level templates of a rule (callers may cycle through them to avoid repeats). */
  templateCount(name: string): number {
    const templates = this.rules.get(name);
    if (!templates) throw new Error(`grammar: no rule named "${name}"`);
    return templates.length;
  }

  /**
   * Expands template `index` of rule `name` and counts its tokens as if a space preceded it (how
   * a sentence sits in running text). Needs a grammar built with `measure`.
   */
  expandTemplateCounted(name: string, index: number, rng: Rng, slots: ReadonlyMap<string, string>): Expansion {
    const templates = this.rules.get(name);
    if (!templates || index < 0 || index >= templates.length) {
      throw new Error(`grammar: rule "${name}" has no template ${index}`);
    }
    if (!this.measure) throw new Error('grammar: counting needs a grammar built with a measure function');
    const counter: Counter = { tokens: 0, pendingSpace: true };
    const text = this.expandNodes(templates[index], rng, slots, 1, counter);
    return { text, tokens: counter.tokens };
  }

  private countSlot(value: string, counter: Counter): void {
    const cache = counter.pendingSpace ? this.slotTokensAfterSpace : this.slotTokens;
    let n = cache.get(value);
    if (n === undefined) {
      n = (this.measure as (text: string) => number)(counter.pendingSpace ? ' ' + value : value);
      cache.set(value, n);
    }
    counter.tokens += n;
    counter.pendingSpace = false;
  }

  private expandRule(
    name: string,
    rng: Rng,
    slots: ReadonlyMap<string, string>,
    depth: number,
    counter: Counter | null,
  ): string {
    const slot = slots.get(name);
    if (slot !== undefined) {
      if (counter && slot !== '') this.countSlot(slot, counter);
      return slot;
    }
    const templates = this.rules.get(name);
    if (!templates) throw new Error(`grammar: no rule or slot named "${name}"`);
    if (depth > 40) throw new Error(`grammar: rule "${name}" recurses too deeply`);
    return this.expandNodes(templates[Math.floor(rng() * templates.length)], rng, slots, depth + 1, counter);
  }

  private expandNodes(
    nodes: Node[],
    rng: Rng,
    slots: ReadonlyMap<string, string>,
    depth: number,
    counter: Counter | null,
  ): string {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') {
        out += node.text;
        if (counter) {
          counter.tokens += counter.pendingSpace ? node.tokensAfterSpace : node.tokens;
          // A piece of only spaces keeps (or sets) the pending space.
          counter.pendingSpace = node.endsWithSpace || (counter.pendingSpace && node.text.trim() === '');
        }
      } else if (node.kind === 'rule') {
        out += this.expandRule(node.name, rng, slots, depth, counter);
      } else {
        out += this.expandNodes(node.options[Math.floor(rng() * node.options.length)], rng, slots, depth, counter);
      }
    }
    return out;
  }
}
