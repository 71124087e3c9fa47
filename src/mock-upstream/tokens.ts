import { seededRandom } from '../platform/random.js';
// Deterministic text and numbers for the mock upstream: a fixed token-counting rule, a hash, a
// seeded generator and reply text. Identical input always gives identical output.

/**
 * Counts tokens by a fixed rule close to OpenAI's tokenizers on English text: a run of ASCII
 * letters is one token per 6 letters (rounded up), a run of digits one per 3, whitespace is
 * free, and every other character (punctuation, non-ASCII) is one token.
 */
export function countTokens(text: string): number {
  let tokens = 0;
  let letters = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
      if (digits) tokens += Math.ceil(digits / 3), (digits = 0);
      letters++;
    } else if (c >= 48 && c <= 57) {
      if (letters) tokens += Math.ceil(letters / 6), (letters = 0);
      digits++;
    } else {
      if (letters) tokens += Math.ceil(letters / 6), (letters = 0);
      if (digits) tokens += Math.ceil(digits / 3), (digits = 0);
      if (c !== 32 && c !== 10 && c !== 9 && c !== 13) tokens++;
    }
  }
  return tokens + Math.ceil(letters / 6) + Math.ceil(digits / 3);
}

/** FNV-1a over a string's UTF-16 code units (32 bits, unsigned). */
export function hashText(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** FNV-1a over bytes (at most the first 64 KiB, then the length). */
export function hashBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  const n = Math.min(bytes.length, 65536);
  for (let i = 0; i < n; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return hashText(String(bytes.length), h);
}

export { seededRandom };

/** Words of at most 6 ASCII letters: each counts as exactly one token under `countTokens`. */
const WORDS = [
  'the', 'mock', 'model', 'says', 'hello', 'world', 'data', 'plane', 'token', 'reply', 'quick', 'brown',
  'fox', 'jumps', 'over', 'lazy', 'dog', 'alpha', 'beta', 'gamma', 'delta', 'sigma', 'omega', 'light',
  'river', 'stone', 'cloud', 'green', 'blue', 'amber', 'north', 'south', 'east', 'west', 'early', 'late',
  'calm', 'bright', 'small', 'large', 'swift', 'quiet', 'warm', 'cold', 'fresh', 'clear', 'rapid', 'gentle',
  'solid', 'open', 'final', 'first', 'next', 'prime', 'route', 'limit', 'usage', 'count', 'proxy', 'relay',
  'query', 'answer', 'result', 'signal',
];

/** The natural length of a reply to a prompt with this hash: 8 to 32 tokens. */
export function naturalReplyTokens(hash: number): number {
  return 8 + (hash % 25);
}

/**
 * A reply of exactly `tokens` tokens as its stream pieces: the first word, then " word" for each
 * next one. Joined, the pieces count as `tokens` tokens.
 */
export function replyPieces(hash: number, tokens: number): string[] {
  const next = seededRandom(hash);
  const pieces: string[] = [];
  for (let i = 0; i < tokens; i++) pieces.push((i ? ' ' : '') + WORDS[Math.floor(next() * WORDS.length)]);
  return pieces;
}
