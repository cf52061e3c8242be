import {
  calcPrice,
  findProvider,
  type MatchLogic,
  type ModelInfo,
} from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';

import {
  findCatalogEntry,
  findInProvider,
  findModel,
  matchRank,
} from '../../src/pricing/model-match.js';

function model(id: string, match: MatchLogic): ModelInfo {
  return { id, match, prices: { input_mtok: 1, output_mtok: 1 } };
}

/** Lists the names a catalog rule spells out: `equals` and prefixes. */
function literalNames(rule: MatchLogic): string[] {
  if ('or' in rule) {
    return rule.or.flatMap(literalNames);
  }
  if ('and' in rule) {
    return rule.and.flatMap(literalNames);
  }
  if ('equals' in rule) {
    return [rule.equals];
  }
  if ('starts_with' in rule) {
    return [rule.starts_with, `${rule.starts_with}-2025-01-01`];
  }
  return [];
}

const PROVIDER_IDS = [
  'openai',
  'anthropic',
  'azure',
  'aws',
  'google',
  'groq',
  'together',
  'deepseek',
  'mistral',
  'openrouter',
  'fireworks',
  'x-ai',
];

describe('matchRank', () => {
  it('ranks an exact name above any prefix', () => {
    const exact = matchRank({ equals: 'gpt-4o-mini' }, 'gpt-4o-mini');
    const prefix = matchRank({ starts_with: 'gpt-4o' }, 'gpt-4o-mini');

    expect(exact).toBeGreaterThan(prefix!);
  });

  it('ranks a longer prefix above a shorter one', () => {
    const name = 'claude-sonnet-4-5-20250929';

    expect(matchRank({ starts_with: 'claude-sonnet-4-5' }, name)).toBe(17);
    expect(matchRank({ starts_with: 'claude-sonnet-4' }, name)).toBe(15);
  });

  it('takes the best branch of an or rule', () => {
    const rule = { or: [{ contains: 'gpt' }, { equals: 'gpt-4o' }] };

    expect(matchRank(rule, 'gpt-4o')).toBeGreaterThan(1000);
    expect(matchRank(rule, 'my-gpt')).toBe(3);
  });

  it('needs every branch of an and rule', () => {
    const rule = {
      and: [{ starts_with: 'gemini-2.5-pro' }, { regex: '^(?!.*-tts)' }],
    };

    expect(matchRank(rule, 'gemini-2.5-pro-preview')).toBe(14);
    expect(matchRank(rule, 'gemini-2.5-pro-tts')).toBeUndefined();
  });

  it('compares names without regard to case', () => {
    expect(matchRank({ equals: 'Qwen/Qwen1.5-72B' }, 'qwen/qwen1.5-72b')).toBe(
      1_000_000,
    );
  });

  it('returns undefined for a rule that does not match', () => {
    expect(matchRank({ ends_with: '-mini' }, 'gpt-4o')).toBeUndefined();
  });
});

describe('findModel', () => {
  it('prefers a specific rule listed after a broad one', () => {
    // genai-prices takes the first rule that matches, which would price
    // gpt-4o-mini and the old gpt-4o snapshot at the broad gpt-4o rate.
    const models = [
      model('gpt-4o', { starts_with: 'gpt-4o' }),
      model('gpt-4o-mini', { starts_with: 'gpt-4o-mini' }),
      model('gpt-4o-2024-05-13', { equals: 'gpt-4o-2024-05-13' }),
    ];

    expect(findModel(models, 'gpt-4o-mini-2024-07-18')?.id).toBe('gpt-4o-mini');
    expect(findModel(models, 'gpt-4o-2024-05-13')?.id).toBe(
      'gpt-4o-2024-05-13',
    );
    expect(findModel(models, 'gpt-4o-2024-11-20')?.id).toBe('gpt-4o');
  });

  it('keeps catalog order between equal ranks', () => {
    const models = [
      model('first', { contains: 'sonnet' }),
      model('second', { contains: 'claude' }),
    ];

    expect(findModel(models, 'claude-sonnet')?.id).toBe('first');
  });

  it('returns undefined when no rule matches', () => {
    expect(findModel([model('a', { equals: 'a' })], 'b')).toBeUndefined();
  });
});

describe('findInProvider', () => {
  it('retries a compact date with dashes', () => {
    // Anthropic's catalog spells some ids with a dashed date only.
    const provider = {
      ...findProvider({ providerId: 'anthropic' })!,
      models: [model('dashed', { equals: 'claude-x-2025-02-19' })],
    };

    expect(findInProvider(provider, 'claude-x-20250219')?.model.id).toBe(
      'dashed',
    );
    expect(findInProvider(provider, 'claude-x-20250231')).toBeUndefined();
  });

  it('looks in the catalogs a provider serves models of', () => {
    const azure = findProvider({ providerId: 'azure' })!;

    const entry = findInProvider(azure, 'gpt-4o-2024-11-20');
    expect(entry?.provider.id).toBe('azure');
    expect(entry?.listedBy.id).toBe('openai');
    expect(entry?.model.id).toBe('gpt-4o');
  });
});

describe('findCatalogEntry', () => {
  it('agrees with genai-prices on every name the catalog spells out', () => {
    // The bundled catalog has no broad rule ahead of a narrow one, so the
    // most specific match is genai-prices' first match for all its names.
    let checked = 0;
    for (const providerId of PROVIDER_IDS) {
      const provider = findProvider({ providerId })!;
      for (const entry of provider.models) {
        for (const name of literalNames(entry.match)) {
          const expected = calcPrice({}, name, { providerId });
          const found = findCatalogEntry(name, {
            provider,
            vendorFallback: false,
          });
          expect(found?.model.id, `${providerId} ${name}`).toBe(
            expected?.model.id,
          );
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('finds the provider of a name without one', () => {
    const entry = findCatalogEntry('claude-3-5-haiku-20241022', {
      provider: undefined,
      vendorFallback: true,
    });

    expect(entry?.provider.id).toBe('anthropic');
    expect(entry?.model.id).toBe('claude-3-5-haiku-latest');
  });

  it('uses the vendor of a name only when asked to', () => {
    const openrouter = findProvider({ providerId: 'openrouter' })!;
    const together = findProvider({ providerId: 'together' })!;

    expect(
      findCatalogEntry('x-ai/grok-4', {
        provider: openrouter,
        vendorFallback: true,
      })?.model.id,
    ).toBe('grok-4-0709');
    expect(
      findCatalogEntry('openai/gpt-4o', {
        provider: together,
        vendorFallback: false,
      }),
    ).toBeUndefined();
  });
});
