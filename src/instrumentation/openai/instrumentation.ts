import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
} from '@opentelemetry/instrumentation';

import { describeError, logger } from '../../internal/diag.js';
import { VERSION } from '../../version.js';
import { findPatchTargets } from './module-layout.js';
import { patchCreate, type PatchHost } from './patch.js';
import type { OpenAIInstrumentationConfig } from './types.js';

/** The instrumentation scope name of the spans this instrumentation starts. */
export const OPENAI_INSTRUMENTATION_NAME = 'tokenmeter/instrumentation-openai';

/** The versions of the `openai` package this instrumentation supports. */
const SUPPORTED_VERSIONS = ['>=5.0.0 <8'];

/**
 * Traces the calls of the `openai` package (versions 5 to 7) that use
 * tokens: `chat.completions.create`, `responses.create` and
 * `embeddings.create`, streamed or not, with GenAI semantic convention
 * attributes and token usage. Other methods built on these, such as
 * `chat.completions.parse` and `chat.completions.stream`, are traced
 * through them. No prompt or completion content is recorded.
 */
export class OpenAIInstrumentation extends InstrumentationBase<OpenAIInstrumentationConfig> {
  // Modules passed to manuallyInstrument, patched while this is enabled.
  // Left undefined until first used, because the base class constructor
  // calls enable() before this class's fields are initialized.
  private manualModules?: Set<unknown>;

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(OPENAI_INSTRUMENTATION_NAME, VERSION, config);
  }

  protected override init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      'openai',
      SUPPORTED_VERSIONS,
      (moduleExports: unknown) => this.patch(moduleExports),
      (moduleExports: unknown) => this.unpatch(moduleExports),
    );
  }

  /**
   * Patches an `openai` module that was loaded where the module hooks of
   * `registerInstrumentations` cannot see it, as in a bundled app. Pass the
   * value of `require('openai')` or of `import * as openai from 'openai'`.
   * The module is unpatched by `disable()` and patched again by `enable()`.
   */
  manuallyInstrument(moduleExports: unknown): void {
    this.manualModules ??= new Set();
    this.manualModules.add(moduleExports);
    if (this.isEnabled()) {
      this.patch(moduleExports);
    }
  }

  override enable(): void {
    const wasEnabled = this.isEnabled();
    super.enable();
    if (!wasEnabled) {
      this.manualModules?.forEach((module) => this.patch(module));
    }
  }

  override disable(): void {
    const wasEnabled = this.isEnabled();
    super.disable();
    if (wasEnabled) {
      this.manualModules?.forEach((module) => this.unpatch(module));
    }
  }

  // Runs while the app loads `openai`, so it logs its errors, never throws.
  private patch(moduleExports: unknown): unknown {
    try {
      for (const target of findPatchTargets(moduleExports)) {
        if (target.prototype === undefined) {
          logger.warn(
            `Cannot trace ${target.path} calls: the openai module has no ` +
              `${target.path}.prototype.create method.`,
          );
          continue;
        }
        const wrapper = patchCreate(target.definition, this.patchHost());
        this._wrap(target.prototype, 'create', wrapper);
      }
    } catch (error) {
      logger.error(`Failed to patch openai: ${describeError(error)}`);
    }
    return moduleExports;
  }

  private unpatch(moduleExports: unknown): void {
    try {
      for (const { prototype } of findPatchTargets(moduleExports)) {
        if (prototype !== undefined && isWrapped(prototype.create)) {
          this._unwrap(prototype, 'create');
        }
      }
    } catch (error) {
      logger.error(`Failed to unpatch openai: ${describeError(error)}`);
    }
  }

  private patchHost(): PatchHost {
    return {
      isEnabled: () => this.isEnabled(),
      tracer: () => this.tracer,
      config: () => this.getConfig(),
    };
  }
}
