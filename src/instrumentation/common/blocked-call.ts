/**
 * What a blocked SDK call returns in place of the SDK's promise: a promise
 * rejected with the budget error, whose `withResponse()` and
 * `asResponse()` reject the same way, so that app code written for the
 * SDK's APIPromise gets the budget error rather than a TypeError.
 */
export function rejectedCall(error: Error): Promise<never> {
  const rejected = Promise.reject(error) as Promise<never> & {
    withResponse?: () => Promise<never>;
    asResponse?: () => Promise<never>;
  };
  rejected.withResponse = () => rejected;
  rejected.asResponse = () => rejected;
  return rejected;
}
