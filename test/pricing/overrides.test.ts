import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { PriceCatalog } from '../../src/pricing/catalog.js';
import {
  loadPriceFile,
  PriceConfigError,
} from '../../src/pricing/overrides.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';

const folder = mkdtempSync(join(tmpdir(), 'tokenmeter-prices-'));

function priceFile(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): PriceConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PriceConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a PriceConfigError');
}

afterEach(() => {
  delete process.env.TOKENMETER_PRICES_FILE;
});

describe('loadPriceFile', () => {
  it('reads a YAML file', () => {
    const path = priceFile(
      'prices.yaml',
      [
        'models:',
        '  - provider: openai',
        '    model: ft:gpt-4o-mini:acme:*',
        '    prices:',
        '      input_mtok: 0.3',
        '      output_mtok: 1.2',
        '      cache_read_mtok: 0.15',
      ].join('\n'),
    );

    expect(loadPriceFile(path)).toEqual([
      {
        provider: 'openai',
        model: 'ft:gpt-4o-mini:acme:*',
        prices: { input_mtok: 0.3, output_mtok: 1.2, cache_read_mtok: 0.15 },
      },
    ]);
  });

  it('reads a JSON file with tiered prices', () => {
    const path = priceFile(
      'prices.json',
      JSON.stringify({
        models: [
          {
            model: 'in-house-llm',
            prices: {
              input_mtok: { base: 1, tiers: [{ start: 100000, price: 2 }] },
              output_mtok: 4,
            },
          },
        ],
      }),
    );

    const [entry] = loadPriceFile(path);
    expect(entry?.prices.input_mtok).toEqual({
      base: 1,
      tiers: [{ start: 100000, price: 2 }],
    });
  });

  it('names the file, the field and the fix for a bad price', () => {
    const path = priceFile(
      'bad-price.yaml',
      'models:\n  - model: gpt-4o\n    prices:\n      input_mtok: abc\n',
    );

    const error = errorOf(() => loadPriceFile(path));
    expect(error.source).toBe(path);
    expect(error.field).toBe('models[0].prices.input_mtok');
    expect(error.message).toContain(path);
    expect(error.message).toContain('models[0].prices.input_mtok');
    expect(error.message).toContain('Write a number such as 2.5');
  });

  it('rejects an unknown price field', () => {
    const path = priceFile(
      'typo.yaml',
      'models:\n  - model: gpt-4o\n    prices:\n      input_mtoks: 2.5\n',
    );

    const error = errorOf(() => loadPriceFile(path));
    expect(error.field).toBe('models[0].prices.input_mtoks');
    expect(error.message).toContain('Use one of input_mtok');
  });

  it('rejects a negative price', () => {
    const path = priceFile(
      'negative.json',
      '{"models":[{"model":"x","prices":{"input_mtok":-1,"output_mtok":1}}]}',
    );

    expect(errorOf(() => loadPriceFile(path)).field).toBe(
      'models[0].prices.input_mtok',
    );
  });

  it('rejects an entry without a model', () => {
    const path = priceFile(
      'no-model.yaml',
      'models:\n  - prices: { input_mtok: 1 }\n',
    );

    expect(errorOf(() => loadPriceFile(path)).field).toBe('models[0].model');
  });

  it('rejects a file without a models list', () => {
    const path = priceFile('empty.yaml', 'prices: []\n');

    const error = errorOf(() => loadPriceFile(path));
    expect(error.field).toBe('models');
    expect(error.message).toContain('top-level "models" list');
  });

  it('rejects a file that is not YAML', () => {
    const path = priceFile('broken.yaml', 'models: [\n');

    expect(errorOf(() => loadPriceFile(path)).message).toContain(
      'is not valid YAML or JSON',
    );
  });

  it('rejects a missing file', () => {
    const path = join(folder, 'missing.yaml');

    const error = errorOf(() => loadPriceFile(path));
    expect(error.message).toContain('cannot be read (ENOENT)');
  });

  it('rejects a tier without a whole-number start', () => {
    const path = priceFile(
      'tier.yaml',
      'models:\n  - model: x\n    prices:\n      input_mtok: { base: 1, tiers: [{ start: 1.5, price: 2 }] }\n',
    );

    expect(errorOf(() => loadPriceFile(path)).field).toBe(
      'models[0].prices.input_mtok.tiers[0]',
    );
  });
});

describe('CostSpanProcessor price file', () => {
  it('fails at start-up on a malformed file from the environment', () => {
    process.env.TOKENMETER_PRICES_FILE = priceFile(
      'env.yaml',
      'models:\n  - model: gpt-4o\n    prices:\n      output_mtok: "10"\n',
    );

    expect(() => new CostSpanProcessor()).toThrow(PriceConfigError);
    expect(() => new CostSpanProcessor()).toThrow(
      /models\[0\]\.prices\.output_mtok/,
    );
  });

  it('rejects bad prices given in code', () => {
    expect(
      () =>
        new CostSpanProcessor({
          prices: [{ model: 'x', prices: { input_mtok: Number.NaN } }],
        }),
    ).toThrow(/options\.prices: prices\[0\]\.prices\.input_mtok/);
  });
});

describe('PriceCatalog', () => {
  it('matches overrides by provider name or catalog id', () => {
    const catalog = new PriceCatalog([
      { provider: 'azure', model: 'my-deployment', prices: { input_mtok: 1 } },
    ]);

    expect(catalog.lookup('azure.ai.openai', 'my-deployment').found).toBe(true);
    expect(catalog.lookup('openai', 'my-deployment').found).toBe(false);
  });

  it('reports an unknown provider', () => {
    const lookup = new PriceCatalog().lookup('acme-llm-cloud', 'gpt-4o');

    expect(lookup).toEqual({ found: false, reason: 'unknown_provider' });
  });

  it('finds a model without a provider', () => {
    const lookup = new PriceCatalog().lookup(undefined, 'gpt-4o-mini');

    expect(lookup.found && lookup.match.modelId).toBe('gpt-4o-mini');
  });
});

describe('PriceCatalog overrides', () => {
  const catalog = new PriceCatalog([
    {
      provider: 'openai',
      model: 'gpt-4o-mini',
      prices: { input_mtok: 1, output_mtok: 10 },
    },
  ]);

  it('cover the dated snapshots of their model', () => {
    const lookup = catalog.lookup('openai', 'gpt-4o-mini-2024-07-18');

    expect(lookup.found && lookup.match.source).toBe('override');
  });

  it('apply to a lookup without a provider', () => {
    const lookup = catalog.lookup(undefined, 'gpt-4o-mini');

    expect(lookup.found && lookup.match.source).toBe('override');
  });

  it('do not cover a longer model name', () => {
    const lookup = catalog.lookup('openai', 'gpt-4o-mini-tts');

    expect(lookup.found && lookup.match.source).not.toBe('override');
  });

  it('stay with their provider', () => {
    const lookup = catalog.lookup('azure.ai.openai', 'gpt-4o-mini');

    expect(lookup.found && lookup.match.source).not.toBe('override');
  });
});
