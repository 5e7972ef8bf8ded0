import { handleJobEvents } from './handler.ts';

Deno.serve(handleJobEvents);
