// build-push's post step: log out of the registry the main step logged in to.
import * as core from '@actions/core';
import { logout } from './docker.js';

const registry = core.getState('registry');
if (registry) {
  logout(registry).catch((error: unknown) => {
    core.warning(
      `logout from ${registry} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
}
