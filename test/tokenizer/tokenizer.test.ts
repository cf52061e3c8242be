import { describe, expect, it } from 'vitest';

import {
  encodingForModel,
  loadedTokenCounter,
  loadTokenCounter,
} from '../../src/tokenizer/index.js';

describe('encodingForModel', () => {
  it('picks the encoding of each model family', () => {
    expect(encodingForModel('gpt-4o-mini')).toEqual({
      encoding: 'o200k_base',
      approximate: false,
    });
    expect(encodingForModel('o3-mini')).toEqual({
      encoding: 'o200k_base',
      approximate: false,
    });
    expect(encodingForModel('gpt-4')).toEqual({
      encoding: 'cl100k_base',
      approximate: false,
    });
    expect(encodingForModel('gpt-3.5-turbo')).toEqual({
      encoding: 'cl100k_base',
      approximate: false,
    });
    expect(encodingForModel('claude-3-opus-20240229')).toEqual({
      encoding: 'o200k_base',
      approximate: true,
    });
    expect(encodingForModel(undefined).approximate).toBe(true);
  });
});

describe('loadTokenCounter', () => {
  it('counts tokens once loaded', async () => {
    const counter = await loadTokenCounter('o200k_base');

    expect(counter?.count('Hello world')).toBe(2);
    expect(loadedTokenCounter('o200k_base')).toBe(counter);
  });

  it('shares one load between concurrent callers', async () => {
    const [first, second] = await Promise.all([
      loadTokenCounter('cl100k_base'),
      loadTokenCounter('cl100k_base'),
    ]);

    expect(first).toBe(second);
  });
});
