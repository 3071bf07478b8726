// The Reference's text from docs/language.md (build.mjs, `virtual:reference`), a chunk of
// its own: fetched when the Reference is first opened (reference-panel.js).
export { default as reference } from 'virtual:reference';
