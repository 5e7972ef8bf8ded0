#!/usr/bin/env node
// A Supabase CLI stand-in for deploy-functions' tests: records each call (its arguments, working
// directory, access token and any env file it was given) in STAND_IN_LOG, and fails the deploy
// when STAND_IN_FAIL_DEPLOY is set.
import { appendFileSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const at = args.indexOf('--env-file');
appendFileSync(
  process.env.STAND_IN_LOG,
  `${JSON.stringify({ args, cwd: process.cwd(), token: process.env.SUPABASE_ACCESS_TOKEN, envFile: at >= 0 ? readFileSync(args[at + 1], 'utf8') : null })}\n`,
);
if (args[0] === 'functions' && process.env.STAND_IN_FAIL_DEPLOY) {
  process.stderr.write('Error: failed to deploy function jobs\n');
  process.exit(1);
}
