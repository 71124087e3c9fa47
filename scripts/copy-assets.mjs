// Build step: copies the data files under src/ (everything that is not TypeScript, e.g. the model
// catalog) next to the compiled JavaScript in dist/src/.
import { cpSync } from 'node:fs';

cpSync('src', 'dist/src', { recursive: true, filter: (path) => !path.endsWith('.ts') });
