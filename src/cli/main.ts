// Filled in with the CLI.
export {};
