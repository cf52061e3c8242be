import {
  context,
  SpanKind,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

import { describeError, logger, warnOnce } from '../../internal/diag.js';
import {
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
} from '../../semconv.js';
import { prepareCall } from '../common/before-call.js';
import { observeApiPromise, type CallObserver } from '../common/api-promise.js';
import { recordCallError } from '../common/span.js';
import {
  isSdkStream,
  observeStream,
  type StreamEnd,
} from '../common/stream.js';
import type {
  OperationCall,
  OperationDefinition,
  StreamAccumulator,
} from './internal-types.js';
import { providerByHostFromEnvironment } from './provider-name.js';
import { commonRequestAttributes } from './request-attributes.js';
import type { OpenAIInstrumentationConfig } from './types.js';
import { isRecord, type UnknownRecord } from './values.js';

export interface StartCallOptions {
  tracer: Tracer;
  definition: OperationDefinition;
  /** The SDK resource whose method was called, such as `Completions`. */
  resource: unknown;
  params: UnknownRecord;
  config: OpenAIInstrumentationConfig;
}

/** Reads the request of a call and starts its CLIENT span. */
export function startCall(options: StartCallOptions): CallTelemetry {
  const { definition, params } = options;
  const operation = definition.start(params, options.config);
  const client = isRecord(options.resource)
    ? options.resource._client
    : undefined;
  const attributes: Attributes = {
    ...commonRequestAttributes(definition.operationName, params, client, {
      providerByHost:
        options.config.providerByHost ?? providerByHostFromEnvironment(),
    }),
    ...operation.attributes,
  };

  const prepared = prepareCall({
    provider: textOf(attributes[ATTR_GEN_AI_PROVIDER_NAME]),
    model: typeof params.model === 'string' ? params.model : undefined,
    params: operation.params,
    outputLimit: definition.outputLimit,
  });
  operation.params = prepared.params;
  Object.assign(attributes, prepared.attributes);

  const span = options.tracer.startSpan(
    spanName(definition.operationName, attributes),
    { kind: SpanKind.CLIENT, attributes },
  );
  for (const event of prepared.events) {
    span.addEvent(event.name, event.attributes);
  }
  return new CallTelemetry(span, operation, prepared.blocked);
}

/** Names a span `{operation} {model}`, as the GenAI conventions specify. */
function spanName(operationName: string, attributes: Attributes): string {
  const model = attributes[ATTR_GEN_AI_REQUEST_MODEL];
  return typeof model === 'string'
    ? `${operationName} ${model}`
    : operationName;
}

/**
 * The span of one SDK call, from the request until the response is parsed
 * or, for a streamed response, until the stream ends. It ends the span once,
 * and none of its methods throw into the app.
 *
 * NOTE: the span stays open while the app neither reads the response nor
 * reads its stream to the end, as when it never awaits the call.
 */
export class CallTelemetry {
  readonly context: Context;

  private ended = false;

  constructor(
    private readonly span: Span,
    private readonly operation: OperationCall,
    /** The budget error that stops the call, when a budget blocks it. */
    readonly blocked?: Error,
  ) {
    this.context = trace.setSpan(context.active(), span);
  }

  /** The params to call the SDK with. */
  get params(): UnknownRecord {
    return this.operation.params;
  }

  /** Follows the SDK's APIPromise without changing it. */
  observe(result: unknown): void {
    try {
      if (!observeApiPromise(result, this.callObserver())) {
        warnOnce(
          'openai-result-not-api-promise',
          'An OpenAI SDK method returned something other than an ' +
            'APIPromise, so its span has no response attributes.',
        );
        this.end();
      }
    } catch (error) {
      logger.error(`Failed to observe an OpenAI call: ${describeError(error)}`);
      this.end();
    }
  }

  /** Marks the span as failed with the SDK's error and ends it. */
  fail(error: unknown): void {
    try {
      recordCallError(this.span, error);
    } catch (failure) {
      logger.error(`Failed to record an error: ${describeError(failure)}`);
    }
    this.end();
  }

  private callObserver(): CallObserver {
    return {
      onParsed: (value) => this.onParsed(value),
      onError: (error) => this.fail(error),
      onUnparsed: () => this.end(),
    };
  }

  private onParsed(value: unknown): void {
    const endTime = performance.now();
    let streaming = false;
    let pending: Promise<void> | undefined;
    try {
      streaming = this.followStream(value);
      if (!streaming) {
        pending = this.operation.recordResponse(this.span, value);
      }
    } finally {
      if (!streaming) {
        this.endAfter(pending, endTime);
      }
    }
  }

  /** Starts reading a streamed response, or returns false for other values. */
  private followStream(value: unknown): boolean {
    const startStream = this.operation.startStream;
    if (startStream === undefined || !isSdkStream(value)) {
      return false;
    }

    const accumulator = startStream();
    return observeStream(value, {
      onItem: (item) => accumulator.add(item),
      onEnd: (end) => this.finishStream(accumulator, end),
    });
  }

  private finishStream(accumulator: StreamAccumulator, end: StreamEnd): void {
    const endTime = performance.now();
    let pending: Promise<void> | undefined;
    try {
      if (end.kind === 'error') {
        recordCallError(this.span, end.error);
      }
      pending = accumulator.finish(this.span, end);
    } finally {
      this.endAfter(pending, endTime);
    }
  }

  /**
   * Ends the span now, or once `pending` settles, with `endTime`: the span
   * keeps the time the response or stream ended, not the time the wait did.
   */
  private endAfter(pending: Promise<void> | undefined, endTime: number): void {
    if (pending === undefined) {
      this.end();
      return;
    }
    void pending
      .catch((error: unknown) => {
        logger.error(`Failed to record a response: ${describeError(error)}`);
      })
      .finally(() => this.end(endTime));
  }

  /** Ends the span once. `endTime` is a `performance.now()` reading. */
  private end(endTime?: number): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.span.end(endTime);
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
