import { context, type Tracer } from '@opentelemetry/api';

import { describeError, logger } from '../../internal/diag.js';
import { rejectedCall } from '../common/blocked-call.js';
import { startCall, type CallTelemetry } from './call.js';
import type { OperationDefinition } from './internal-types.js';
import type { OpenAIInstrumentationConfig } from './types.js';
import { isRecord } from './values.js';

/** An SDK resource method such as `Completions.prototype.create`. */
export type SdkMethod = (this: unknown, ...args: unknown[]) => unknown;

/** The instrumentation state that a patched method reads on every call. */
export interface PatchHost {
  isEnabled(): boolean;
  tracer(): Tracer;
  config(): OpenAIInstrumentationConfig;
}

/**
 * Returns a wrapper for an SDK `create` method that traces each call. When
 * the instrumentation is disabled, or its own code fails before the call,
 * the original method is called as if it were not patched. Whatever the SDK
 * returns or throws reaches the app unchanged.
 */
export function patchCreate(
  definition: OperationDefinition,
  host: PatchHost,
): (original: SdkMethod) => SdkMethod {
  return (original) =>
    function patchedCreate(this: unknown, ...args: unknown[]): unknown {
      const params = args[0];
      if (!host.isEnabled() || !isRecord(params)) {
        return original.apply(this, args);
      }

      let call: CallTelemetry;
      try {
        call = startCall({
          tracer: host.tracer(),
          definition,
          resource: this,
          params,
          config: host.config(),
        });
      } catch (error) {
        logger.error(`Failed to start an OpenAI span: ${describeError(error)}`);
        return original.apply(this, args);
      }

      if (call.blocked) {
        call.fail(call.blocked);
        return rejectedCall(call.blocked);
      }
      const callArgs =
        call.params === params ? args : [call.params, ...args.slice(1)];
      return runCall(call, () => original.apply(this, callArgs));
    };
}

/** Calls the SDK with the call's span active, so HTTP spans nest under it. */
function runCall(call: CallTelemetry, invoke: () => unknown): unknown {
  let result: unknown;
  try {
    result = context.with(call.context, invoke);
  } catch (error) {
    call.fail(error);
    throw error;
  }

  call.observe(result);
  return result;
}
