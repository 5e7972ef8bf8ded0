import { edge } from '../_shared/edge.ts';
import { handleJobs } from './handler.ts';

Deno.serve(edge(handleJobs));
