import {
  TOKENMETER_ESTIMATE_METHOD_VALUE_APPROXIMATE_TOKENIZER_PREFIX,
  TOKENMETER_ESTIMATE_METHOD_VALUE_TOKENIZER_PREFIX,
} from '../../semconv.js';
import {
  loadedTokenCounter,
  loadTokenCounter,
  type EncodingChoice,
  type EncodingName,
  type TokenCounter,
} from '../../tokenizer/index.js';

/**
 * Names how counts made with `choice` were estimated:
 * `tokenizer:<encoding>` when the encoding is the model's own, else
 * `approximate_tokenizer:<encoding>`.
 */
export function tokenizerMethod(choice: EncodingChoice): string {
  const prefix = choice.approximate
    ? TOKENMETER_ESTIMATE_METHOD_VALUE_APPROXIMATE_TOKENIZER_PREFIX
    : TOKENMETER_ESTIMATE_METHOD_VALUE_TOKENIZER_PREFIX;
  return prefix + choice.encoding;
}

/**
 * Calls `count` with the encoding's counter: at once when the encoding is
 * loaded, returning undefined, else once it has loaded, in the returned
 * promise. `count` is not called when the encoding fails to load, which
 * the tokenizer logs. The promise rejects only when `count` throws.
 */
export function withTokenCounter(
  encoding: EncodingName,
  count: (counter: TokenCounter) => void,
): Promise<void> | undefined {
  const counter = loadedTokenCounter(encoding);
  if (counter !== undefined) {
    count(counter);
    return undefined;
  }
  return loadTokenCounter(encoding).then((loaded) => {
    if (loaded !== undefined) {
      count(loaded);
    }
  });
}
