export {
  CLASS_IDS,
  CLASS_IDS_SIGNATURE,
  INPUT_NAME,
  PROBABILITIES,
  landcoverGraph,
} from './demo-model/graph.js';
export { BAND_COUNT, CLASS_COUNT, LANDCOVER } from './demo-model/landcover.js';
export { referencePrediction } from './demo-model/reference.js';
export { savedModelBytes, tfjsModel, writeModelVersion } from './demo-model/export.js';
export { readSavedModelSignatures } from './saved-model/read.js';
export { loadTfjsGraph } from './server/model-store.js';
export { startBackend } from './server/backend.js';
export { DEMO_SCENE_NODATA, demoSceneRows } from './demo-model/demo-scene.js';
