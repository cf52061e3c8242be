import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_SERVER_ADDRESS,
} from '../semconv.js';
import { semconvDialect } from './dialects/semconv.js';
import type { AttributeMap, CallReading, GenAiCall } from './types.js';
import type { UsageDialect } from './dialects/dialect.js';

// Tried in order; the first dialect whose attributes are present wins.
const DIALECTS: readonly UsageDialect[] = [semconvDialect];

/**
 * Reads the model call a span describes from its attributes, whichever
 * instrumentation wrote them. Takes a plain attribute map, so the same code
 * reads spans in process, spans received over OTLP and spans from files.
 */
export function readGenAiCall(attributes: AttributeMap): CallReading {
  for (const dialect of DIALECTS) {
    if (!dialect.matches(attributes)) {
      continue;
    }

    const usage = dialect.readUsage(attributes);
    if ('invalid' in usage) {
      return { kind: 'invalid', ...usage.invalid };
    }
    return { kind: 'call', call: { ...readIdentity(attributes), usage } };
  }
  return { kind: 'none' };
}

function readIdentity(attributes: AttributeMap): Omit<GenAiCall, 'usage'> {
  return {
    provider: text(
      attributes[ATTR_GEN_AI_PROVIDER_NAME] ?? attributes[ATTR_GEN_AI_SYSTEM],
    ),
    operation: text(attributes[ATTR_GEN_AI_OPERATION_NAME]),
    requestModel: text(attributes[ATTR_GEN_AI_REQUEST_MODEL]),
    responseModel: text(attributes[ATTR_GEN_AI_RESPONSE_MODEL]),
    serverAddress: text(attributes[ATTR_SERVER_ADDRESS]),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
