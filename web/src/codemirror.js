// CodeMirror, the editor's packages, as one module: boot.js imports it first, so that its
// evaluation is a task of its own; the page's modules then find it evaluated.

export * as state from '@codemirror/state';
export * as view from '@codemirror/view';
export * as commands from '@codemirror/commands';
export * as language from '@codemirror/language';
export * as lint from '@codemirror/lint';
export * as search from '@codemirror/search';
export * as autocomplete from '@codemirror/autocomplete';
export * as highlight from '@lezer/highlight';
