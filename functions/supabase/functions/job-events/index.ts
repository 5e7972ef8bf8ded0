import { edge } from '../_shared/edge.ts';
import { handleJobEvents } from './handler.ts';

Deno.serve(edge(handleJobEvents));
