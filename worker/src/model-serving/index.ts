export { chipPredictor } from './chip-predictor.js';
export { asJobFailure } from './failure.js';
