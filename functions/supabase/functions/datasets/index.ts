import { edge } from '../_shared/edge.ts';
import { handleDatasets } from './handler.ts';

Deno.serve(edge(handleDatasets));
