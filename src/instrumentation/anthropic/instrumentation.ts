import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
} from '@opentelemetry/instrumentation';

import { VERSION } from '../../version.js';
import type { MessagesPrototype } from './internal-types.js';
import { warnOnceSafely } from '../common/log.js';
import type { AnthropicInstrumentationConfig } from './types.js';
import { wrapCreate, wrapStream, type WrapperContext } from './wrappers.js';

/** The instrumentation scope name of the spans this instrumentation starts. */
export const ANTHROPIC_INSTRUMENTATION_NAME =
  'tokenmeter/instrumentation-anthropic';

/**
 * The @anthropic-ai/sdk versions this instrumentation patches. The common
 * helpers need the APIPromise (`responsePromise`, `parseResponse`) and
 * Stream (`iterator`) instance fields, which 0.10, 0.20, 0.30 and 0.41
 * already have.
 * The lower bound is 0.50, the rewritten client: the tests pass with
 * 0.50.1, 0.99.0, 0.137.0 and 1.17.0, and 0.41.0 fails some of them.
 */
export const SUPPORTED_VERSIONS = ['>=0.50.0 <2'];

const MODULE_NAME = '@anthropic-ai/sdk';

/**
 * Traces `messages.create` (plain and streamed), the `messages.stream()`
 * helper and their `beta.messages` counterparts of @anthropic-ai/sdk, with
 * one CLIENT span per model call that carries its token usage.
 *
 * A client that traces itself (0.134 and later, unless its tracing is off)
 * already starts a GenAI span with usage for each call, so no second span is
 * started for it.
 */
export class AnthropicInstrumentation extends InstrumentationBase<AnthropicInstrumentationConfig> {
  // Undefined until `manuallyInstrument` is called: the base constructor
  // calls `enable()` before this class's fields are initialized.
  private manualExports: Set<unknown> | undefined;

  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(ANTHROPIC_INSTRUMENTATION_NAME, VERSION, config);
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
   * Patches an @anthropic-ai/sdk module that was loaded without the
   * require or import hooks, as in bundled apps:
   * `instrumentation.manuallyInstrument(await import('@anthropic-ai/sdk'))`.
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
    const prototypes = messagesPrototypes(moduleExports);
    if (prototypes.length === 0) {
      warnOnceSafely(
        'anthropic-no-messages-class',
        `No Messages class found in the ${MODULE_NAME} module, so its calls ` +
          'are not traced. Pass the module itself to manuallyInstrument().',
      );
    }

    const wrapper = this.wrapperContext();
    for (const prototype of prototypes) {
      this._wrap(prototype, 'create', (original) =>
        wrapCreate(original, wrapper),
      );
      if (typeof prototype.stream === 'function') {
        this._wrap(prototype, 'stream', (original) =>
          wrapStream(original as NonNullable<typeof original>, wrapper),
        );
      }
    }
  }

  private unpatch(moduleExports: unknown): void {
    for (const prototype of messagesPrototypes(moduleExports)) {
      if (isWrapped(prototype.create)) {
        this._unwrap(prototype, 'create');
      }
      if (isWrapped(prototype.stream)) {
        this._unwrap(prototype, 'stream');
      }
    }
  }

  private wrapperContext(): WrapperContext {
    return {
      isEnabled: () => this.isEnabled(),
      tracer: () => this.tracer,
      config: () => this.getConfig(),
    };
  }
}

/**
 * Finds the prototypes of the `Messages` and `Beta.Messages` classes. The
 * client class is the `Anthropic` export, the default export, or the CommonJS
 * module itself (before 0.50).
 */
function messagesPrototypes(moduleExports: unknown): MessagesPrototype[] {
  const exports = moduleExports as Record<string, unknown> | null | undefined;
  const client = (exports?.Anthropic ?? exports?.default ?? exports) as
    Record<string, unknown> | undefined;
  const beta = client?.Beta as Record<string, unknown> | undefined;

  return [client?.Messages, beta?.Messages]
    .map((messages) => (messages as { prototype?: unknown })?.prototype)
    .filter(isMessagesPrototype);
}

function isMessagesPrototype(value: unknown): value is MessagesPrototype {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<MessagesPrototype>).create === 'function'
  );
}
