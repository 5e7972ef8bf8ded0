import { readFileSync } from 'node:fs';

/** One served model: its name and the directory holding its numbered versions. */
export interface ModelConfig {
  name: string;
  basePath: string;
}

export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
}

/**
 * The models of a TF Serving model config file (text protobuf): each `config { name: '...'
 * base_path: '...' }` of its `model_config_list`. Other settings are TF Serving's own and ignored.
 */
export function parseModelConfig(text: string): ModelConfig[] {
  const source = text.replace(/#.*$/gm, '');
  const configs: ModelConfig[] = [];
  for (const start of source.matchAll(/\bconfig\s*\{/g)) {
    // The entry's body runs to its matching brace; policies nest blocks of their own.
    let depth = 1;
    let end = start.index + start[0].length;
    for (; end < source.length && depth > 0; end++) {
      if (source[end] === '{') depth++;
      else if (source[end] === '}') depth--;
    }
    const body = source.slice(start.index + start[0].length, end - 1);
    const field = (key: string) => new RegExp(`\\b${key}\\s*:\\s*(['"])(.*?)\\1`).exec(body)?.[2];
    const name = field('name');
    const basePath = field('base_path');
    if (!name || !basePath) {
      throw new ModelConfigError(
        `a model config entry needs a name and a base_path: ${body.trim()}`,
      );
    }
    configs.push({ name, basePath });
  }
  if (configs.length === 0) throw new ModelConfigError('the model config file lists no models');
  return configs;
}

export function readModelConfigFile(path: string): ModelConfig[] {
  return parseModelConfig(readFileSync(path, 'utf8'));
}
