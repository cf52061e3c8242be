import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
} from '@opentelemetry/instrumentation';

import { VERSION } from '../../version.js';
import { warnOnceSafely } from '../common/log.js';
import type { ModelsPrototype } from './internal-types.js';
import type { GoogleGenAIInstrumentationConfig } from './types.js';
import { wrapGenerate, type WrapperContext } from './wrappers.js';

/** The instrumentation scope name of the spans this instrumentation starts. */
export const GOOGLE_GENAI_INSTRUMENTATION_NAME =
  'tokenmeter/instrumentation-google-genai';

/**
 * The @google/genai versions this instrumentation patches: the 2.x line and
 * the current 3.x line. The tests pass with 2.0.0, 2.32.0 and 3.3.0.
 */
export const SUPPORTED_VERSIONS = ['>=2.0.0 <4'];

const MODULE_NAME = '@google/genai';

/**
 * Traces `models.generateContent` and `models.generateContentStream` of
 * @google/genai, and so the chats built on them, with one CLIENT span per
 * request sent to the model: an automatic function calling round or a
 * continuation is a request of its own. Each span carries the token usage of
 * its response, under the provider `gcp.gemini` for the Gemini Developer
 * API or `gcp.vertex_ai` for Vertex AI. No prompt or response content is
 * recorded.
 */
export class GoogleGenAIInstrumentation extends InstrumentationBase<GoogleGenAIInstrumentationConfig> {
  // Undefined until `manuallyInstrument` is called: the base constructor
  // calls `enable()` before this class's fields are initialized.
  private manualExports: Set<unknown> | undefined;

  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    super(GOOGLE_GENAI_INSTRUMENTATION_NAME, VERSION, config);
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
   * Patches a @google/genai module that was loaded without the require or
   * import hooks, as in bundled apps:
   * `instrumentation.manuallyInstrument(await import('@google/genai'))`.
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
    const prototype = modelsPrototype(moduleExports);
    if (!prototype) {
      warnOnceSafely(
        'google-genai-no-models-class',
        `No Models class with generateContentInternal found in the ` +
          `${MODULE_NAME} module, so its calls are not traced. Pass the ` +
          'module itself to manuallyInstrument().',
      );
      return;
    }

    const wrapper = this.wrapperContext();
    // Patching twice would start two spans per call, as when the same
    // module is passed to manuallyInstrument and loaded through a hook.
    if (!isWrapped(prototype.generateContentInternal)) {
      this._wrap(prototype, 'generateContentInternal', (original) =>
        wrapGenerate(original, wrapper, false),
      );
    }
    if (!isWrapped(prototype.generateContentStreamInternal)) {
      this._wrap(prototype, 'generateContentStreamInternal', (original) =>
        wrapGenerate(original, wrapper, true),
      );
    }
  }

  private unpatch(moduleExports: unknown): void {
    const prototype = modelsPrototype(moduleExports);
    if (!prototype) {
      return;
    }
    if (isWrapped(prototype.generateContentInternal)) {
      this._unwrap(prototype, 'generateContentInternal');
    }
    if (isWrapped(prototype.generateContentStreamInternal)) {
      this._unwrap(prototype, 'generateContentStreamInternal');
    }
  }

  private wrapperContext(): WrapperContext {
    return {
      isEnabled: () => this.isEnabled(),
      tracer: () => this.tracer,
    };
  }
}

/**
 * Finds the prototype of the exported `Models` class, in the CommonJS
 * exports or the ES module namespace, or undefined when it lacks either
 * method.
 */
function modelsPrototype(moduleExports: unknown): ModelsPrototype | undefined {
  const exports = moduleExports as Record<string, unknown> | null | undefined;
  const models = (exports?.Models ??
    (exports?.default as Record<string, unknown> | undefined)?.Models) as
    { prototype?: Partial<ModelsPrototype> } | undefined;
  const prototype = models?.prototype;
  if (
    typeof prototype?.generateContentInternal !== 'function' ||
    typeof prototype.generateContentStreamInternal !== 'function'
  ) {
    return undefined;
  }
  return prototype as ModelsPrototype;
}
