// A worker thread does not inherit the TypeScript loader of the thread that starts it (tsx
// registers its hooks per thread), so the worker registers tsx itself, then loads the real entry.
// Resolved from this file, so it works whatever the current directory is.
import { register } from 'tsx/esm/api';

register();
await import('./thread.ts');
