import {
  SegmentList,
  type InputComponent,
  type OutputComponent,
  type Segment,
} from './components.js';
import { contextLength, isMarkedContext } from './context.js';

/** How prompt text is sized. */
export interface Measure {
  /** The size of a text: its length, or its token count in exact mode. */
  size(text: string): number;
  /** Texts the app registered as retrieved context for the interaction. */
  contextTexts: readonly string[];
  /** The size of JSON (tool definitions and calls); `size` when absent. */
  sizeJson?(text: string): number;
}

/**
 * How many more tokens JSON has than prose of the same length: OpenAI's
 * encodings take about 4 characters a token of English prose and about
 * 2.7 of JSON. On the recorded requests of the tests, the weight lowers
 * the tokens the breakdown misattributes from 7.0% to 6.6% on average and
 * from 18% to 14% at most (test/breakdown/accuracy.test.ts).
 */
const JSON_WEIGHT = 1.5;

/**
 * Measures text by its length in UTF-16 code units, with JSON weighted so
 * that lengths stay in proportion to tokens.
 */
export function lengthMeasure(contextTexts: readonly string[] = []): Measure {
  return {
    size: (text) => text.length,
    sizeJson: (text) => text.length * JSON_WEIGHT,
    contextTexts,
  };
}

type Json = Record<string, unknown>;

/**
 * Sizes the components of a prompt in the order the provider reads it:
 * tool definitions, then the system prompt, then the messages. Works on
 * the request params of OpenAI chat completions and Responses, and of
 * Anthropic messages; no text is kept, only sizes.
 */
export function measurePrompt(
  params: unknown,
  measure: Measure,
): Segment<InputComponent>[] {
  const request = isObject(params) ? params : {};
  const list = new SegmentList<InputComponent>();

  addJson(
    list,
    'tool_definitions',
    request.tools ?? request.functions,
    measure,
  );
  addContent(list, 'system', request.system, measure);
  addContent(list, 'system', request.instructions, measure);

  const messages = Array.isArray(request.messages)
    ? request.messages.filter(isObject)
    : asInputItems(request.input);
  const latestUser = latestUserTurn(messages);
  messages.forEach((message, index) => {
    addMessage(list, message, index === latestUser, measure);
  });
  return list.segments;
}

/**
 * Sizes the visible parts of a response: text and tool calls. Reasoning
 * is not sized here, because providers report its tokens.
 */
export function measureCompletion(
  parts: { text?: string[]; toolCalls?: unknown[] },
  measure: Measure,
): Segment<OutputComponent>[] {
  const list = new SegmentList<OutputComponent>();
  for (const text of parts.text ?? []) {
    list.add('text', measure.size(text));
  }
  for (const call of parts.toolCalls ?? []) {
    list.add('tool_calls', sizeOfJson(call, measure));
  }
  return list.segments;
}

/** The items of a Responses API `input`: a string is one user message. */
function asInputItems(value: unknown): Json[] {
  if (typeof value === 'string') {
    return [{ role: 'user', content: value }];
  }
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** The index of the last user message that carries more than tool results. */
function latestUserTurn(messages: Json[]): number {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role === 'user' && !onlyToolResults(message.content)) {
      return index;
    }
  }
  return -1;
}

function onlyToolResults(content: unknown): boolean {
  return (
    Array.isArray(content) &&
    content.length > 0 &&
    content.every((part) => isObject(part) && part.type === 'tool_result')
  );
}

function addMessage(
  list: SegmentList<InputComponent>,
  message: Json,
  isLatestUser: boolean,
  measure: Measure,
): void {
  const component = messageComponent(message, isLatestUser);
  if (isMarkedContext(message)) {
    addContent(list, 'context', message.content, measure);
    return;
  }

  addContent(list, component, message.content, measure);
  addJson(list, 'history', message.tool_calls, measure);
  addJson(list, 'history', message.function_call, measure);
  if (message.type === 'function_call') {
    addJson(list, 'history', message.arguments, measure);
  }
  if (message.type === 'function_call_output') {
    addContent(list, 'tool_results', message.output, measure);
  }
}

function messageComponent(
  message: Json,
  isLatestUser: boolean,
): InputComponent {
  switch (message.role) {
    case 'system':
    case 'developer':
      return 'system';
    case 'tool':
    case 'function':
      return 'tool_results';
    case 'user':
      return isLatestUser ? 'user_input' : 'history';
    default:
      return 'history';
  }
}

/**
 * Adds a message content: a string, or a list of parts (text, tool
 * results, tool calls). Marked parts and registered context texts go to
 * `context`. Images, audio and files have no size here.
 */
function addContent(
  list: SegmentList<InputComponent>,
  component: InputComponent,
  content: unknown,
  measure: Measure,
): void {
  if (typeof content === 'string') {
    addText(list, component, content, measure);
    return;
  }
  if (!Array.isArray(content)) {
    return;
  }

  for (const part of content) {
    if (typeof part === 'string') {
      addText(list, component, part, measure);
    } else if (isObject(part)) {
      addPart(list, component, part, measure);
    }
  }
}

function addPart(
  list: SegmentList<InputComponent>,
  component: InputComponent,
  part: Json,
  measure: Measure,
): void {
  if (isMarkedContext(part)) {
    addContent(list, 'context', part.text ?? part.content, measure);
  } else if (part.type === 'tool_result') {
    addContent(list, 'tool_results', part.content, measure);
  } else if (part.type === 'tool_use') {
    addJson(list, 'history', { name: part.name, input: part.input }, measure);
  } else if (typeof part.text === 'string') {
    addText(list, component, part.text, measure);
  }
}

function addText(
  list: SegmentList<InputComponent>,
  component: InputComponent,
  text: string,
  measure: Measure,
): void {
  const contextPart =
    component === 'context'
      ? text.length
      : contextLength(text, measure.contextTexts);
  if (contextPart === 0) {
    list.add(component, measure.size(text));
    return;
  }

  // Sized in proportion to length, so that exact mode tokenizes the text once.
  const size = measure.size(text);
  const contextSize = (size * contextPart) / text.length;
  list.add('context', contextSize);
  list.add(component, size - contextSize);
}

function addJson(
  list: SegmentList<InputComponent>,
  component: InputComponent,
  value: unknown,
  measure: Measure,
): void {
  if (value !== undefined && value !== null) {
    list.add(component, sizeOfJson(value, measure));
  }
}

function sizeOfJson(value: unknown, measure: Measure): number {
  try {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return (measure.sizeJson ?? measure.size)(text);
  } catch {
    // A circular or otherwise unserializable value has no size.
    return 0;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
