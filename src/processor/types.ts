import type { Attributes } from '@opentelemetry/api';

import type { CostBreakdown } from '../pricing/cost.js';
import type { GenAiCall } from '../usage/types.js';
import type { ComponentCosts } from './component-costs.js';
import type { Saving } from './savings.js';

/** A GenAI call read from an ending span, with its cost if priced. */
export interface PricedCall {
  call: GenAiCall;
  feature: string;
  /** Undefined when no price is known for the call's model. */
  cost?: CostBreakdown;
  /** The cost by component and token type, when priced. */
  components?: ComponentCosts;
  /** Money the call did not spend, by reason. */
  savings: Saving[];
  /** Extra metric attributes from allowed baggage entries. */
  dimensions?: Attributes;
}

/** The running totals of one interaction. */
export interface InteractionTotals {
  feature: string;
  /** Cost of the priced calls, in the cost currency. */
  cost: number;
  inputTokens: number;
  outputTokens: number;
  calls: number;
  unpricedCalls: number;
  /** When the first call was added, in milliseconds of `performance.now()`. */
  startedAt: number;
  /** Extra metric attributes from allowed baggage entries. */
  dimensions?: Attributes;
}
