// The embeddable page's entry (built as embed.HASH.js): its style sheets, then CodeMirror
// and the page (embed.js), each evaluated in a task of its own, as the playground's
// (boot.js).

import './style.css';
import './embed.css';

await import('./codemirror.js');
await import('./embed.js');
