import { parseArgs } from 'node:util';

import { PriceCatalog } from '../pricing/catalog.js';
import { loadPriceFile } from '../pricing/overrides.js';
import type { ModelPrices, TokenPrice } from '../pricing/types.js';

const LABELS: Record<keyof ModelPrices, string> = {
  input_mtok: 'input',
  cache_read_mtok: 'cache read',
  cache_write_mtok: 'cache write',
  cache_write_1h_mtok: 'cache write 1h',
  output_mtok: 'output',
  output_reasoning_mtok: 'reasoning',
  input_audio_mtok: 'input audio',
  output_audio_mtok: 'output audio',
  input_image_mtok: 'input image',
  output_image_mtok: 'output image',
  web_searches_kcount: 'web search',
  requests_kcount: 'request',
};

const LABEL_WIDTH = Math.max(
  ...Object.values(LABELS).map((label) => label.length),
);

/**
 * `tokenmeter prices <model> [--provider P]`: prints the prices applied to
 * a model, from TOKENMETER_PRICES_FILE first, then the bundled catalog.
 */
export function printPrices(
  args: string[],
  output: { out(line: string): void; error(line: string): void },
): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { provider: { type: 'string' } },
  });
  const model = positionals[0];
  if (model === undefined) {
    output.error(
      'Missing model: name the model to price, for example ' +
        '`tokenmeter prices gpt-4o`.\n' +
        'Usage: tokenmeter prices <model> [--provider P]',
    );
    return 1;
  }

  const file = process.env.TOKENMETER_PRICES_FILE;
  const catalog = new PriceCatalog(file ? loadPriceFile(file) : []);
  const lookup = catalog.lookup(values.provider, model);
  if (!lookup.found) {
    output.error(
      `No price is known for ${model}${values.provider ? ` of ${values.provider}` : ''} ` +
        `(${lookup.reason.replace(/_/g, ' ')}). Add it to a price file ` +
        'and name the file in TOKENMETER_PRICES_FILE.',
    );
    return 1;
  }

  const { match } = lookup;
  output.out(
    `${match.providerId}/${match.modelId} (${match.source}), USD per million ` +
      'tokens (web search and request fees: per thousand):',
  );
  const prices = match.pricesAt(Date.now());
  for (const [key, label] of Object.entries(LABELS)) {
    const price = prices[key as keyof ModelPrices];
    if (price !== undefined) {
      output.out(`  ${label.padEnd(LABEL_WIDTH)} ${describePrice(price)}`);
    }
  }
  return 0;
}

function describePrice(price: TokenPrice): string {
  if (typeof price === 'number') {
    return String(price);
  }
  const tiers = price.tiers.map(
    (tier) => `${tier.price} above ${tier.start} prompt tokens`,
  );
  return [String(price.base), ...tiers].join(', ');
}
