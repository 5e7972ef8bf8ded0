export { chipPredictor } from './chip-predictor.js';
export { asJobFailure } from './failure.js';
export { segmentationModel, type SegmentationModel } from './model-contract.js';
