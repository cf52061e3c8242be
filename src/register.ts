// Filled in with the SDK start-up.
export {};
