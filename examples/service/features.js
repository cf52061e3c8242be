// The three AI features of the example service. Each one is an interaction:
// one user request, however many model calls it makes. The clients read
// OPENAI_BASE_URL, OPENAI_API_KEY, ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY
// from the environment, as in any service.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { configureBudgets, recordCacheHit, withInteraction } from 'tokenmeter';

// Chat questions over 8,000 input tokens (a pasted document, say) are
// refused before they are sent, so they cost nothing.
configureBudgets([
  { feature: 'chat', mode: 'block', maxInputTokensPerCall: 8000 },
]);

let openai;
let anthropic;

// Clients are made on first use, after the environment is set.
function openaiClient() {
  openai ??= new OpenAI({ maxRetries: 0 });
  return openai;
}

function anthropicClient() {
  anthropic ??= new Anthropic({ maxRetries: 0 });
  return anthropic;
}

/** Plain chat: one Claude call. */
export function chat(question) {
  return withInteraction({ feature: 'chat' }, async () => {
    const message = await anthropicClient().messages.create({
      model: 'claude-3-opus-20240229',
      max_tokens: 1024,
      messages: [{ role: 'user', content: question }],
    });
    return message.content.map((block) => block.text ?? '').join('');
  });
}

const DOCUMENTS = [
  'Tomatoes are the answer to most questions in this knowledge base.',
  'Invoices are sent on the first working day of each month.',
  'Support is open from 9:00 to 17:00, Monday to Friday.',
];

// Answers already given, by question. A real service would bound and
// expire this cache.
const answers = new Map();

/**
 * Retrieval: embeds the question with the documents, keeps the closest
 * document as context and asks gpt-4o-mini. A real service would embed
 * the documents once and keep their vectors in a store. A question asked
 * before is answered from the cache, and the usage it avoided is recorded
 * as a saving.
 */
export function askDocs(question) {
  return withInteraction({ feature: 'ask-docs' }, async (interaction) => {
    const cached = answers.get(question);
    if (cached) {
      recordCacheHit({
        provider: 'openai',
        model: 'gpt-4o-mini',
        usage: cached.usage,
      });
      return cached.answer;
    }

    const embeddings = await openaiClient().embeddings.create({
      model: 'text-embedding-3-small',
      input: [question, ...DOCUMENTS],
      encoding_format: 'float',
    });
    const [query, ...documents] = embeddings.data.map((item) => item.embedding);
    const context = DOCUMENTS[closest(query, documents)];
    interaction.addContext(context);

    const completion = await openaiClient().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: `Answer from this context: ${context}` },
        { role: 'user', content: question },
      ],
    });
    const answer = completion.choices[0]?.message.content ?? '';
    answers.set(question, {
      answer,
      usage: {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      },
    });
    return answer;
  });
}

function closest(query, documents) {
  let best = 0;
  let bestScore = -Infinity;
  documents.forEach((vector, index) => {
    const score = vector.reduce((sum, value, i) => sum + value * query[i], 0);
    if (score > bestScore) {
      best = index;
      bestScore = score;
    }
  });
  return best;
}

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    strict: true,
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' } },
      required: ['location'],
      additionalProperties: false,
    },
  },
};

const MAX_AGENT_STEPS = 5;

/** An agent loop: gpt-4o-mini calls a weather tool until it can answer. */
export function weatherAgent(question) {
  return withInteraction({ feature: 'weather-agent' }, async () => {
    const messages = [
      {
        role: 'system',
        content: 'You are a helpful assistant providing weather updates.',
      },
      { role: 'user', content: question },
    ];

    for (let step = 0; step < MAX_AGENT_STEPS; step++) {
      const completion = await openaiClient().chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        tools: [WEATHER_TOOL],
      });
      const message = completion.choices[0]?.message;
      if (!message?.tool_calls?.length) {
        return message?.content ?? '';
      }

      messages.push({ role: 'assistant', tool_calls: message.tool_calls });
      for (const call of message.tool_calls) {
        messages.push({
          role: 'tool',
          tool_call_id: call.id,
          content: weatherAt(JSON.parse(call.function.arguments).location),
        });
      }
    }
    return 'The agent stopped after too many steps.';
  });
}

function weatherAt(location) {
  return location === 'London'
    ? '15 degrees and raining'
    : '25 degrees and sunny';
}
