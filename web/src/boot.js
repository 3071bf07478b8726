// The playground's entry (built as main.HASH.js): the style sheet, then the page in tasks
// of their own, so that no task of its start-up blocks the main thread for long.
// Evaluating the whole bundle at once took one task of 30–80 ms of thread time in headless
// Chromium (up to 385 ms of wall time on the shared machine of the end-to-end tests):
// CodeMirror (codemirror.js, two thirds of the code) is evaluated first, in a task of its
// own, then the page's modules (main.js), which build the editor and the panels in further
// tasks. The build splits the bundle at these imports (esbuild's `splitting`); the chunks
// are fetched at once (`modulepreload` links in index.html), and only evaluated here.

import './style.css';
import { readSettings, applyToRoot, localStore } from './settings.js';

// The theme and the editor's font size of the Settings, before anything is drawn.
applyToRoot(document.documentElement, readSettings(localStore()));

await import('./codemirror.js');
await import('./main.js');
