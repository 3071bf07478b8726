// The Emacs key bindings (Settings), a chunk of its own: fetched only when chosen (editor.js).
export { emacs } from '@replit/codemirror-emacs';
