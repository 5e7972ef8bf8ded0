import { handleJobs } from './handler.ts';

Deno.serve(handleJobs);
