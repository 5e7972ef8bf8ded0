import { edge } from '../_shared/edge.ts';
import { handleInference } from './handler.ts';

Deno.serve(edge(handleInference));
