import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
} from '@opentelemetry/instrumentation';

import { VERSION } from '../../version.js';
import { warnOnceSafely } from '../common/log.js';
import { findCommandClasses } from './operations.js';
import type { BedrockRuntimeInstrumentationConfig } from './types.js';
import { wrapSend, type SendMethod } from './wrappers.js';

/** The instrumentation scope name of the spans this instrumentation starts. */
export const BEDROCK_RUNTIME_INSTRUMENTATION_NAME =
  'tokenmeter/instrumentation-bedrock-runtime';

/**
 * The @aws-sdk/client-bedrock-runtime versions this instrumentation
 * patches: the 3.x line, whose clients all send commands through
 * `send`. The tests pass with 3.1178.0; earlier 3.x versions are not
 * tested.
 */
export const SUPPORTED_VERSIONS = ['>=3.0.0 <4'];

const MODULE_NAME = '@aws-sdk/client-bedrock-runtime';

interface ClientPrototype {
  send: SendMethod;
}

/**
 * Traces the Converse, ConverseStream, InvokeModel and
 * InvokeModelWithResponseStream commands of @aws-sdk/client-bedrock-runtime,
 * sent as `client.send(new ConverseCommand(...))` or through the
 * `BedrockRuntime` methods such as `converse()`, with one CLIENT span per
 * command that carries its token usage under the provider `aws.bedrock`.
 * No prompt or response content is recorded.
 */
export class BedrockRuntimeInstrumentation extends InstrumentationBase<BedrockRuntimeInstrumentationConfig> {
  // Undefined until `manuallyInstrument` is called: the base constructor
  // calls `enable()` before this class's fields are initialized.
  private manualExports: Set<unknown> | undefined;

  constructor(config: BedrockRuntimeInstrumentationConfig = {}) {
    super(BEDROCK_RUNTIME_INSTRUMENTATION_NAME, VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      MODULE_NAME,
      SUPPORTED_VERSIONS,
      (moduleExports: unknown) => {
        this.patch(moduleExports);
        return moduleExports;
      },
      (moduleExports: unknown) => this.unpatch(moduleExports),
    );
  }

  /**
   * Patches a @aws-sdk/client-bedrock-runtime module that was loaded
   * without the require or import hooks, as in bundled apps:
   * `instrumentation.manuallyInstrument(await import('@aws-sdk/client-bedrock-runtime'))`.
   * The module's version is not checked. `disable()` undoes the patch and
   * `enable()` applies it again.
   */
  manuallyInstrument(moduleExports: unknown): void {
    this.manualExports ??= new Set();
    this.manualExports.add(moduleExports);
    if (this.isEnabled()) {
      this.patch(moduleExports);
    }
  }

  override enable(): void {
    super.enable();
    this.manualExports?.forEach((moduleExports) => this.patch(moduleExports));
  }

  override disable(): void {
    super.disable();
    this.manualExports?.forEach((moduleExports) => this.unpatch(moduleExports));
  }

  private patch(moduleExports: unknown): void {
    const prototype = clientPrototype(moduleExports);
    if (!prototype) {
      warnOnceSafely(
        'bedrock-no-client-class',
        `No BedrockRuntimeClient class found in the ${MODULE_NAME} module, ` +
          'so its calls are not traced. Pass the module itself to ' +
          'manuallyInstrument().',
      );
      return;
    }
    // Patching twice would start two spans per call, as when the same
    // module is passed to manuallyInstrument and loaded through a hook.
    if (isWrapped(prototype.send)) {
      return;
    }

    const wrapper = {
      isEnabled: () => this.isEnabled(),
      tracer: () => this.tracer,
      commandClasses: findCommandClasses(moduleExports),
    };
    this._wrap(prototype, 'send', (original) => wrapSend(original, wrapper));
  }

  private unpatch(moduleExports: unknown): void {
    const prototype = clientPrototype(moduleExports);
    if (!prototype || !isWrapped(prototype.send)) {
      return;
    }
    this._unwrap(prototype, 'send');
    // `send` is inherited from the smithy `Client` class. Unwrapping leaves
    // a copy of it on this prototype, so the copy is removed to leave the
    // class as it was.
    const inherited = (
      Object.getPrototypeOf(prototype) as Partial<ClientPrototype> | null
    )?.send;
    if (Object.hasOwn(prototype, 'send') && prototype.send === inherited) {
      delete (prototype as Partial<ClientPrototype>).send;
    }
  }
}

/**
 * Finds the prototype of `BedrockRuntimeClient`, which `BedrockRuntime`
 * extends, in the CommonJS exports or the ES module namespace.
 */
function clientPrototype(moduleExports: unknown): ClientPrototype | undefined {
  const exports = moduleExports as Record<string, unknown> | null | undefined;
  const clientClass = (exports?.BedrockRuntimeClient ??
    (exports?.default as Record<string, unknown> | undefined)
      ?.BedrockRuntimeClient) as { prototype?: unknown } | undefined;
  const prototype = clientClass?.prototype as
    Partial<ClientPrototype> | undefined;
  return typeof prototype?.send === 'function'
    ? (prototype as ClientPrototype)
    : undefined;
}
