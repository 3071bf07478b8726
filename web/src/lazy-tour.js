// The tour's lessons (web/tour, `virtual:tour`) and its panel, a chunk of their own:
// fetched when the tour is first opened (tour-loader.js).
export { default as lessons } from 'virtual:tour';
export { TourPanel } from './tour-panel.js';
