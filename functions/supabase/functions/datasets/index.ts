import { handleDatasets } from './handler.ts';

Deno.serve(handleDatasets);
