import { handleInference } from './handler.ts';

Deno.serve(handleInference);
