/**
 * Builds dbgen's text pool: sentences drawn from the grammar in dists.dss with one random stream
 * (seed 933588178), appended until the pool is full and then cut to size.
 *
 * A sentence is a `grammar` line such as `N V P T`: N a noun phrase (`np`: e.g. `J, J N`, adjectives and
 * a noun), V a verb phrase (`vp`: e.g. `X V D`), P a preposition, " the " and a noun phrase, T a
 * terminator that replaces the preceding space. Every word is followed by a space; a comma in a phrase
 * attaches to the word before it. Each pick, of a line or of a word, is one weighted draw.
 *
 * The lists are compiled to byte arrays and symbol codes up front: this runs about fifty million draws.
 */
import type { DistributionName } from './dists-parser.js';
import { Distribution } from './distribution.js';
import { MODULUS, nextSeed } from './random.js';

const POOL_SEED = 933588178;
const SPACE = 0x20;
const COMMA = 0x2c;
const THE = Buffer.from(' the ', 'latin1');

/** Symbol codes of compiled phrases and sentences. */
const enum Sym {
  Article,
  Adjective,
  Adverb,
  Noun,
  Verb,
  Auxiliary,
  Preposition,
  Terminator,
  Comma,
  NounPhrase,
  VerbPhrase,
}

const WORD_LISTS: readonly DistributionName[] = [
  'articles',
  'adjectives',
  'adverbs',
  'nouns',
  'verbs',
  'auxillaries',
  'prepositions',
  'terminators',
];

const LETTERS: Readonly<Record<string, Sym>> = {
  A: Sym.Article,
  J: Sym.Adjective,
  D: Sym.Adverb,
  N: Sym.Noun,
  V: Sym.Verb,
  X: Sym.Auxiliary,
  ',': Sym.Comma,
};

/** A weighted list with its entries compiled. */
class Weighted<T> {
  readonly slots: Int32Array;
  readonly entries: readonly T[];
  constructor(name: DistributionName, compile: (value: string) => T) {
    const dist = new Distribution(name);
    this.slots = dist.slots;
    this.entries = dist.values.map(compile);
  }
}

function compilePhrase(syntax: string): Int32Array {
  return Int32Array.from(syntax.replaceAll(' ', ''), (letter) => {
    const sym = LETTERS[letter];
    if (sym === undefined) throw new Error(`dists.dss: unknown phrase symbol ${letter} in "${syntax}"`);
    return sym;
  });
}

function compileSentence(syntax: string): Int32Array {
  const symbols: Record<string, Sym> = {
    N: Sym.NounPhrase,
    V: Sym.VerbPhrase,
    P: Sym.Preposition,
    T: Sym.Terminator,
  };
  return Int32Array.from(syntax.split(' '), (letter) => {
    const sym = symbols[letter];
    if (sym === undefined) throw new Error(`dists.dss: unknown grammar symbol ${letter} in "${syntax}"`);
    return sym;
  });
}

/** Longest word the table holds: every word is written as one 16-byte block. */
const WORD_BLOCK = 16;

/**
 * Every word of every list, each padded to a 16-byte block of four little-endian uint32s, so that a
 * word is copied with four fixed writes instead of a byte loop of varying length (the loop's branch
 * misses dominated). The padding lands past the word's end and is overwritten by what follows.
 * For list `l`, slot `s` of its weight table is word `wordOfSlot[slotBase[l] + s]`.
 */
class WordTable {
  readonly blocks: Uint32Array;
  readonly lengths: Int32Array;
  readonly wordOfSlot: Int32Array;
  readonly slotBase: Int32Array;
  readonly slotCount: Int32Array;

  constructor() {
    const lists = WORD_LISTS.map((name) => new Weighted(name, (w) => Buffer.from(w, 'latin1')));
    const words = lists.flatMap((l) => l.entries);
    const padded = Buffer.alloc(words.length * WORD_BLOCK);
    words.forEach((word, i) => {
      if (word.length > WORD_BLOCK)
        throw new Error(`dists.dss: word longer than ${WORD_BLOCK} bytes: ${word}`);
      word.copy(padded, i * WORD_BLOCK);
    });
    this.blocks = Uint32Array.from({ length: padded.length / 4 }, (_, i) => padded.readUInt32LE(i * 4));
    this.lengths = Int32Array.from(words, (w) => w.length);
    this.slotBase = new Int32Array(lists.length);
    this.slotCount = Int32Array.from(lists, (l) => l.slots.length);
    this.wordOfSlot = new Int32Array(lists.reduce((n, l) => n + l.slots.length, 0));
    let slotBase = 0;
    let wordBase = 0;
    lists.forEach((list, l) => {
      this.slotBase[l] = slotBase;
      list.slots.forEach((entry, s) => (this.wordOfSlot[slotBase + s] = wordBase + entry));
      slotBase += list.slots.length;
      wordBase += list.entries.length;
    });
  }
}

class Builder {
  private readonly words = new WordTable();
  private readonly sentences = new Weighted('grammar', compileSentence);
  private readonly nounPhrases = new Weighted('np', compilePhrase);
  private readonly verbPhrases = new Weighted('vp', compilePhrase);
  private seed = POOL_SEED;
  readonly out: Uint8Array<ArrayBufferLike>;
  private readonly view: DataView;
  length = 0;

  constructor(out: Uint8Array<ArrayBufferLike>) {
    this.out = out;
    this.view = new DataView(this.out.buffer, this.out.byteOffset, this.out.length);
  }

  /** One weighted draw over `slots` slots: the slot index. */
  private draw(slots: number): number {
    this.seed = nextSeed(this.seed);
    return Math.floor((this.seed / MODULUS) * slots);
  }

  private pick(list: Weighted<Int32Array>): Int32Array {
    return list.entries[list.slots[this.draw(list.slots.length)] as number] as Int32Array;
  }

  private word(sym: number): void {
    const table = this.words;
    const word = table.wordOfSlot[
      (table.slotBase[sym] as number) + this.draw(table.slotCount[sym] as number)
    ] as number;
    const block = word * 4;
    const blocks = table.blocks;
    const at = this.length;
    this.view.setUint32(at, blocks[block] as number, true);
    this.view.setUint32(at + 4, blocks[block + 1] as number, true);
    this.view.setUint32(at + 8, blocks[block + 2] as number, true);
    this.view.setUint32(at + 12, blocks[block + 3] as number, true);
    this.length = at + (table.lengths[word] as number);
  }

  private phrase(symbols: Int32Array): void {
    for (let i = 0; i < symbols.length; i++) {
      const sym = symbols[i] as number;
      if (sym === Sym.Comma) this.out[this.length - 1] = COMMA;
      else this.word(sym);
      this.out[this.length++] = SPACE;
    }
  }

  sentence(): void {
    const symbols = this.pick(this.sentences);
    for (let i = 0; i < symbols.length; i++) {
      switch (symbols[i]) {
        case Sym.NounPhrase:
          this.phrase(this.pick(this.nounPhrases));
          break;
        case Sym.VerbPhrase:
          this.phrase(this.pick(this.verbPhrases));
          break;
        case Sym.Preposition:
          this.word(Sym.Preposition);
          this.out.set(THE, this.length);
          this.length += THE.length;
          this.phrase(this.pick(this.nounPhrases));
          break;
        case Sym.Terminator:
          this.length--;
          this.word(Sym.Terminator);
          break;
        default:
          throw new Error(`internal error: symbol ${symbols[i]} in a sentence`);
      }
      if (this.out[this.length - 1] !== SPACE) this.out[this.length++] = SPACE;
    }
  }
}

/** Bytes a pool of `size` needs while it is built: room for the sentence that crosses the end. */
export function textPoolCapacity(size: number): number {
  // sentences are far shorter than this
  return size + 1024 + WORD_BLOCK;
}

/**
 * Writes the first `size` bytes of the pool (ASCII) into `out`, which must hold
 * `textPoolCapacity(size)` bytes, and returns them.
 */
export function buildTextPool(
  size: number,
  out: Uint8Array<ArrayBufferLike> = new Uint8Array(textPoolCapacity(size)),
): Uint8Array<ArrayBufferLike> {
  if (out.length < textPoolCapacity(size)) throw new Error('internal error: text pool buffer too small');
  const builder = new Builder(out);
  while (builder.length < size) builder.sentence();
  return out.subarray(0, size);
}
