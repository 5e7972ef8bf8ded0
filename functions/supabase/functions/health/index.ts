import { edge } from '../_shared/edge.ts';
import { handleHealth } from './handler.ts';

Deno.serve(edge(handleHealth));
