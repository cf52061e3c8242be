import type { Attributes } from '@opentelemetry/api';

import {
  ATTR_TOKENMETER_COMPLETION_COMPONENTS,
  ATTR_TOKENMETER_COMPLETION_SIZES,
  ATTR_TOKENMETER_PROMPT_COMPONENTS,
  ATTR_TOKENMETER_PROMPT_SIZES,
  ATTR_TOKENMETER_PROMPT_SIZE_UNIT,
} from '../semconv.js';
import {
  INPUT_COMPONENTS,
  OUTPUT_COMPONENTS,
  type Component,
  type InputComponent,
  type OutputComponent,
  type Segment,
} from './components.js';

/** Span attributes that carry a prompt's component sizes, in prompt order. */
export function promptAttributes(
  segments: readonly Segment<InputComponent>[],
  unit: 'chars' | 'tokens',
): Attributes {
  if (segments.length === 0) {
    return {};
  }
  return {
    [ATTR_TOKENMETER_PROMPT_COMPONENTS]: segments.map((s) => s.component),
    [ATTR_TOKENMETER_PROMPT_SIZES]: segments.map((s) => Math.round(s.size)),
    [ATTR_TOKENMETER_PROMPT_SIZE_UNIT]: unit,
  };
}

/** Span attributes that carry a response's component sizes. */
export function completionAttributes(
  segments: readonly Segment<OutputComponent>[],
): Attributes {
  if (segments.length === 0) {
    return {};
  }
  return {
    [ATTR_TOKENMETER_COMPLETION_COMPONENTS]: segments.map((s) => s.component),
    [ATTR_TOKENMETER_COMPLETION_SIZES]: segments.map((s) => Math.round(s.size)),
  };
}

/** Reads the prompt segments back from span attributes, if valid. */
export function readPromptSegments(
  attributes: Readonly<Record<string, unknown>>,
): Segment<InputComponent>[] | undefined {
  return readSegments(
    attributes[ATTR_TOKENMETER_PROMPT_COMPONENTS],
    attributes[ATTR_TOKENMETER_PROMPT_SIZES],
    INPUT_COMPONENTS,
  );
}

/** Reads the response segments back from span attributes, if valid. */
export function readCompletionSegments(
  attributes: Readonly<Record<string, unknown>>,
): Segment<OutputComponent>[] | undefined {
  return readSegments(
    attributes[ATTR_TOKENMETER_COMPLETION_COMPONENTS],
    attributes[ATTR_TOKENMETER_COMPLETION_SIZES],
    OUTPUT_COMPONENTS,
  );
}

/**
 * Pairs components with sizes. Spans may come from anywhere, so arrays of
 * other lengths, unknown components and sizes that are not finite and
 * non-negative make the whole breakdown unusable.
 */
function readSegments<C extends Component>(
  components: unknown,
  sizes: unknown,
  known: readonly C[],
): Segment<C>[] | undefined {
  if (
    !Array.isArray(components) ||
    !Array.isArray(sizes) ||
    components.length !== sizes.length ||
    components.length === 0
  ) {
    return undefined;
  }

  const segments: Segment<C>[] = [];
  for (let index = 0; index < components.length; index++) {
    const component = components[index] as C;
    const size = sizes[index] as unknown;
    if (
      !known.includes(component) ||
      typeof size !== 'number' ||
      !Number.isFinite(size) ||
      size < 0
    ) {
      return undefined;
    }
    segments.push({ component, size });
  }
  return segments;
}
