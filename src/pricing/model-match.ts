import {
  findProvider,
  type MatchLogic,
  type ModelInfo,
  type Provider,
} from '@pydantic/genai-prices';

import { modelNameCandidates, withDashedDates } from './model-names.js';

/** A model of the catalog, found for a provider. */
export interface CatalogEntry {
  /** The provider searched, which serves the model. */
  provider: Provider;
  /**
   * The provider whose catalog lists the model: `provider` itself, or one
   * whose models it serves, such as OpenAI's for Azure.
   */
  listedBy: Provider;
  model: ModelInfo;
}

// An `equals` rule outranks any prefix, suffix, substring or pattern rule,
// whose rank is the length of the text it matched.
const EXACT_RANK = 1_000_000;

/**
 * Ranks how specifically a catalog match rule names a model: undefined
 * when the rule does not match, else a higher number for a narrower rule.
 * An `equals` rule ranks above every other kind. A `starts_with`,
 * `ends_with` or `contains` rule ranks by the length of its text, and a
 * `regex` rule by the length of the text it matched. An `or` rule takes
 * the rank of its best matching branch, an `and` rule the sum of its
 * branches. Names are compared lowercased, as in genai-prices.
 */
export function matchRank(rule: MatchLogic, name: string): number | undefined {
  if ('or' in rule) {
    const ranks = rule.or
      .map((branch) => matchRank(branch, name))
      .filter((rank): rank is number => rank !== undefined);
    return ranks.length === 0 ? undefined : Math.max(...ranks);
  }
  if ('and' in rule) {
    let total = 0;
    for (const branch of rule.and) {
      const rank = matchRank(branch, name);
      if (rank === undefined) {
        return undefined;
      }
      total += rank;
    }
    return total;
  }
  return leafRank(rule, name.toLowerCase());
}

function leafRank(rule: MatchLogic, name: string): number | undefined {
  if ('equals' in rule) {
    return name === rule.equals.toLowerCase() ? EXACT_RANK : undefined;
  }
  if ('starts_with' in rule) {
    const text = rule.starts_with.toLowerCase();
    return name.startsWith(text) ? text.length : undefined;
  }
  if ('ends_with' in rule) {
    const text = rule.ends_with.toLowerCase();
    return name.endsWith(text) ? text.length : undefined;
  }
  if ('contains' in rule) {
    const text = rule.contains.toLowerCase();
    return name.includes(text) ? text.length : undefined;
  }
  if ('regex' in rule) {
    const found = new RegExp(rule.regex).exec(name);
    return found ? found[0].length : undefined;
  }
  return undefined;
}

/**
 * Finds the model whose match rule names `name` most specifically. Where
 * two rules rank the same, the one listed first wins.
 *
 * genai-prices itself takes the first model whose rule matches, so a broad
 * rule listed before a narrow one would catch the narrow one's names. The
 * bundled catalog lists no such pair today (a test checks every name it
 * spells out), and this keeps the narrow rule winning if one is added.
 */
export function findModel(
  models: readonly ModelInfo[],
  name: string,
): ModelInfo | undefined {
  let best: ModelInfo | undefined;
  let bestRank = -1;
  for (const model of models) {
    const rank = matchRank(model.match, name);
    if (rank !== undefined && rank > bestRank) {
      best = model;
      bestRank = rank;
    }
  }
  return best;
}

/**
 * Finds a model in a provider's catalog, then in the catalogs of the
 * providers it serves models of (Azure serves OpenAI's, for example), then
 * the same with the name's `-YYYYMMDD` date written `-YYYY-MM-DD`. This is
 * the order of genai-prices.
 */
export function findInProvider(
  provider: Provider,
  name: string,
): CatalogEntry | undefined {
  const dashed = withDashedDates(name);
  const names = dashed === name ? [name] : [name, dashed];
  for (const spelling of names) {
    const entry = findWithFallbacks(provider, spelling);
    if (entry) {
      return entry;
    }
  }
  return undefined;
}

function findWithFallbacks(
  provider: Provider,
  name: string,
): CatalogEntry | undefined {
  const own = findModel(provider.models, name);
  if (own) {
    return { provider, listedBy: provider, model: own };
  }
  for (const id of provider.fallback_model_providers ?? []) {
    const fallback = findProvider({ providerId: id });
    const model = fallback && findModel(fallback.models, name);
    if (model) {
      return { provider, listedBy: fallback, model };
    }
  }
  return undefined;
}

/** Options of `findCatalogEntry`. */
export interface CatalogSearch {
  /** The catalog provider, or undefined to find it from the model name. */
  provider: Provider | undefined;
  /**
   * Also look in the catalog of the vendor a `vendor/model` name names,
   * as for a router such as OpenRouter that passes through the vendor's
   * prices. Off for hosts that set their own prices for open models.
   */
  vendorFallback: boolean;
}

/**
 * Finds the catalog entry of a model name as it appears in spans. Each
 * spelling from `modelNameCandidates` is tried in turn, most literal
 * first. Returns undefined when no spelling is known.
 */
export function findCatalogEntry(
  model: string,
  search: CatalogSearch,
): CatalogEntry | undefined {
  for (const candidate of modelNameCandidates(model)) {
    const provider =
      search.provider ?? findProvider({ modelId: candidate.name });
    const entry = provider && findInProvider(provider, candidate.name);
    if (entry) {
      return entry;
    }

    const vendor = vendorProvider(candidate.vendor, search);
    const vendorEntry = vendor && findInProvider(vendor, candidate.name);
    if (vendorEntry) {
      return vendorEntry;
    }
  }
  return undefined;
}

function vendorProvider(
  vendor: string | undefined,
  search: CatalogSearch,
): Provider | undefined {
  if (vendor === undefined) {
    return undefined;
  }
  if (search.provider !== undefined && !search.vendorFallback) {
    return undefined;
  }
  const provider = findProvider({ providerId: vendor });
  // Only a provider whose id the name spells out, never a fuzzy match.
  return provider?.id === vendor ? provider : undefined;
}
