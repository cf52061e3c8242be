/** The parts of a prompt that input tokens are attributed to. */
export const INPUT_COMPONENTS = [
  'tool_definitions',
  'system',
  'history',
  'context',
  'tool_results',
  'user_input',
] as const;

/** The parts of a response that output tokens are attributed to. */
export const OUTPUT_COMPONENTS = ['text', 'reasoning', 'tool_calls'] as const;

export type InputComponent = (typeof INPUT_COMPONENTS)[number];
export type OutputComponent = (typeof OUTPUT_COMPONENTS)[number];
export type Component = InputComponent | OutputComponent;

/**
 * A run of prompt text of one component, in the order the provider reads
 * the prompt. `size` is in characters, or in tokens when counted exactly.
 */
export interface Segment<C extends Component = InputComponent> {
  component: C;
  size: number;
}

/**
 * Collects segments in prompt order, merging neighbours of the same
 * component and dropping empty ones.
 */
export class SegmentList<C extends Component = InputComponent> {
  readonly segments: Segment<C>[] = [];

  add(component: C, size: number): void {
    if (!(size > 0)) {
      return;
    }
    const last = this.segments[this.segments.length - 1];
    if (last?.component === component) {
      last.size += size;
    } else {
      this.segments.push({ component, size });
    }
  }

  /** The sum of the sizes. */
  get total(): number {
    return this.segments.reduce((sum, segment) => sum + segment.size, 0);
  }
}
