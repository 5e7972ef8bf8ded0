export { chipPredictor } from './chip-predictor.js';
export { ModelServingClient, type ModelServingOptions } from './client.js';
export { segmentationModel, type SegmentationModel } from './model-contract.js';
