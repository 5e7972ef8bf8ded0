import { readFileSync } from 'node:fs';
import { repositoryRoot } from './repository.js';

/** One service image: the variable that names it and the public image it defaults to. */
export interface ServiceImage {
  variable: string;
  publicImage: string;
  /** The offline set's image; undefined where it has none (`-` in the table). */
  offlineImage: string | undefined;
}

const TABLE = `${repositoryRoot()}compose/images.tsv`;

/** compose/images.tsv, the one list of image variables that compose and the suites share. */
export function readImageTable(text = readFileSync(TABLE, 'utf8')): ServiceImage[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [variable, publicImage, offlineImage] = line.split(/\s+/);
      if (!variable || !publicImage || !offlineImage) {
        throw new Error(
          `compose/images.tsv: a row needs a variable, a public and an offline image: ${line}`,
        );
      }
      return {
        variable,
        publicImage,
        offlineImage: offlineImage === '-' ? undefined : offlineImage,
      };
    });
}

/** The image for a service: its variable where set, otherwise the public image. */
export function imageFor(variable: string, env: NodeJS.ProcessEnv = process.env): string {
  const row = readImageTable().find((r) => r.variable === variable);
  if (!row) throw new Error(`compose/images.tsv has no row for ${variable}`);
  const chosen = env[variable]?.trim();
  return chosen ? chosen : row.publicImage;
}
