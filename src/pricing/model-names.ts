/** One spelling of a model name to look up in the catalog. */
export interface ModelNameCandidate {
  /** The name, lowercased. */
  name: string;
  /**
   * The catalog provider id that a `vendor/model` name starts with, such
   * as `openai` in `openai/gpt-4o`, when the vendor is named.
   */
  vendor?: string;
}

// Bedrock model ids are `[region.]vendor.model[-vN[:M]]`, such as
// `us.anthropic.claude-3-7-sonnet-20250219-v1:0`. The region prefixes are
// those of Bedrock's cross-region inference profiles.
const BEDROCK_PREFIX =
  /^(?:(?:us|us-gov|eu|apac|ap|jp|au|ca|global)\.)?(?:anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer|moonshotai|google|minimax|nvidia)\.(.+)$/;
const BEDROCK_VERSION = /-v\d+(?::\d+)?$/;
// A context-window marker such as `[1m]`, as in `claude-sonnet-4-5[1m]`.
const CONTEXT_SUFFIX = /\[[^\]]*\]$/;
// Vertex AI names a version after `@`: `claude-3-7-sonnet@20250219`.
const VERTEX_VERSION = /@([^@/]+)$/;

/**
 * Lists the spellings of a model name to look up, most literal first. The
 * first is the name as reported. Each next one drops one more decoration
 * that providers and gateways add around a model id: a context marker, a
 * Vertex `@version`, a Bedrock region, vendor and version, a `vendor/`
 * path. The caller takes the first spelling the catalog knows, so a
 * catalog entry for the exact name, such as Bedrock's `us.anthropic...`
 * ids, wins.
 */
export function modelNameCandidates(model: string): ModelNameCandidate[] {
  const names: string[] = [];
  const add = (name: string) => {
    if (name !== '' && !names.includes(name)) {
      names.push(name);
    }
  };

  let name = model.trim().toLowerCase();
  add(name);

  name = name.replace(CONTEXT_SUFFIX, '');
  add(name);

  const vertex = VERTEX_VERSION.exec(name);
  if (vertex) {
    add(name.replace(VERTEX_VERSION, '-$1'));
    name = name.slice(0, vertex.index);
    add(name);
  }

  const bedrock = BEDROCK_PREFIX.exec(name);
  if (bedrock?.[1] !== undefined) {
    name = bedrock[1];
    add(name);
    name = name.replace(BEDROCK_VERSION, '');
    add(name);
  } else {
    addBedrockVendor(name, add);
  }

  const slash = name.lastIndexOf('/');
  if (slash > 0) {
    add(name.slice(slash + 1));
  }

  // The vendor of `vendor/model` belongs to the spellings that dropped it.
  const original = names[0] ?? '';
  const vendorEnd = original.indexOf('/');
  const vendor = vendorEnd > 0 ? original.slice(0, vendorEnd) : undefined;
  return names.map((candidate) =>
    vendor !== undefined && original.endsWith(`/${candidate}`)
      ? { name: candidate, vendor }
      : { name: candidate },
  );
}

// Bedrock model families by the start of a model id without its vendor.
const BEDROCK_VENDORS: readonly (readonly [RegExp, string])[] = [
  [/^llama/, 'meta'],
  [/^(?:nova|titan)-/, 'amazon'],
  [/^(?:command|embed)-/, 'cohere'],
  [/^(?:mistral|mixtral|pixtral|ministral)/, 'mistral'],
  [/^(?:jamba|j2)-/, 'ai21'],
  [/^deepseek/, 'deepseek'],
  [/^claude/, 'anthropic'],
];

/**
 * Adds the spelling with its vendor of a Bedrock model id that lost it,
 * such as `llama3-1-70b-instruct-v1:0` for
 * `meta.llama3-1-70b-instruct-v1:0`, as some instrumentations report it.
 * Only names with Bedrock's `-vN[:M]` version get one.
 */
function addBedrockVendor(name: string, add: (name: string) => void): void {
  if (!BEDROCK_VERSION.test(name)) {
    return;
  }
  const vendor = BEDROCK_VENDORS.find(([family]) => family.test(name))?.[1];
  if (vendor !== undefined) {
    add(`${vendor}.${name}`);
  }
}

// genai-prices retries a name with its `-YYYYMMDD` date written as
// `-YYYY-MM-DD`, when the date is a real one.
const COMPACT_DATE =
  /(-)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;

/**
 * Rewrites each `-YYYYMMDD` date in a name as `-YYYY-MM-DD`, as
 * genai-prices does before its second lookup, and leaves impossible dates
 * such as `-20250231` as they are.
 */
export function withDashedDates(name: string): string {
  return name.replace(
    COMPACT_DATE,
    (text, dash: string, year: string, month: string, day: string) => {
      const date = new Date(
        Date.UTC(Number(year), Number(month) - 1, Number(day)),
      );
      const valid =
        date.getUTCFullYear() === Number(year) &&
        date.getUTCMonth() === Number(month) - 1 &&
        date.getUTCDate() === Number(day);
      return valid ? `${dash}${year}-${month}-${day}` : text;
    },
  );
}
