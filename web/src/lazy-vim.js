// The Vim key bindings (Settings), a chunk of its own: fetched only when chosen (editor.js).
export { vim } from '@replit/codemirror-vim';
