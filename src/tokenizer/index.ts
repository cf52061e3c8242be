import { logger, describeError } from '../internal/diag.js';

/** The byte-pair encodings tokenmeter can count with. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/** Counts the tokens of a text in one encoding. */
export interface TokenCounter {
  readonly encoding: EncodingName;
  count(text: string): number;
}

/** The encoding to count a model's tokens with. */
export interface EncodingChoice {
  encoding: EncodingName;
  /**
   * True when the model's own tokenizer is not public (Claude, Gemini and
   * most open models), so the count is an approximation with an OpenAI
   * encoding.
   */
  approximate: boolean;
}

// Models on cl100k_base; every newer OpenAI model uses o200k_base.
const CL100K_PREFIXES = [
  'gpt-4-',
  'gpt-3.5',
  'text-embedding-3',
  'text-embedding-ada',
];
const O200K_PATTERN = /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-|o\d)/;

/** Picks the encoding for a model name, such as `gpt-4o-mini`. */
export function encodingForModel(model: string | undefined): EncodingChoice {
  const name = (model ?? '').toLowerCase().replace(/^openai\//, '');

  if (name === 'gpt-4' || CL100K_PREFIXES.some((p) => name.startsWith(p))) {
    return { encoding: 'cl100k_base', approximate: false };
  }
  if (O200K_PATTERN.test(name)) {
    return { encoding: 'o200k_base', approximate: false };
  }
  return { encoding: 'o200k_base', approximate: true };
}

type CountFunction = (text: string) => number;

const loaded = new Map<EncodingName, TokenCounter>();
const loading = new Map<EncodingName, Promise<TokenCounter | undefined>>();

/**
 * Loads an encoding on first use; the o200k_base tables take about a quarter
 * of a second to load, so they are never loaded at start-up. Resolves to
 * undefined, with a logged error, when the tables cannot be loaded.
 */
export function loadTokenCounter(
  encoding: EncodingName,
): Promise<TokenCounter | undefined> {
  const ready = loaded.get(encoding);
  if (ready) {
    return Promise.resolve(ready);
  }

  let pending = loading.get(encoding);
  if (!pending) {
    pending = importCounter(encoding);
    loading.set(encoding, pending);
  }
  return pending;
}

/** The counter for an encoding if it has finished loading, else undefined. */
export function loadedTokenCounter(
  encoding: EncodingName,
): TokenCounter | undefined {
  return loaded.get(encoding);
}

async function importCounter(
  encoding: EncodingName,
): Promise<TokenCounter | undefined> {
  try {
    const module = (await importEncoding(encoding)) as {
      countTokens: CountFunction;
    };
    const counter: TokenCounter = {
      encoding,
      count: (text) => module.countTokens(text),
    };
    loaded.set(encoding, counter);
    return counter;
  } catch (error) {
    logger.error(
      `Failed to load the ${encoding} tokenizer, so usage cannot be ` +
        `estimated: ${describeError(error)}`,
    );
    return undefined;
  } finally {
    loading.delete(encoding);
  }
}

// Literal specifiers, so that bundlers can see both optional imports.
function importEncoding(encoding: EncodingName): Promise<unknown> {
  return encoding === 'cl100k_base'
    ? import('gpt-tokenizer/encoding/cl100k_base')
    : import('gpt-tokenizer/encoding/o200k_base');
}
