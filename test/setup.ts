import { afterEach, vi } from 'vitest';

// Stray console output fails a test (as zod's fail-on-console): the engine must not print.
const methods = ['log', 'warn', 'error', 'info', 'debug'] as const;
const calls: string[] = [];
for (const m of methods) {
  vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
    calls.push(`console.${m}: ${args.map(String).join(' ')}`);
  });
}
afterEach(() => {
  if (calls.length > 0) {
    const found = calls.splice(0);
    throw new Error(`unexpected console output:\n${found.join('\n')}`);
  }
});
