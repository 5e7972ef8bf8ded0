#!/usr/bin/env node
// A TensorFlow-Serving-compatible server over TF.js (gRPC and REST), for where the
// tensorflow/serving image cannot be pulled or run. It takes TF Serving's flags and variables:
//   --port (gRPC, 8500), --rest_api_port (8501), --model_name/MODEL_NAME, --model_base_path/MODEL_BASE_PATH,
//   --model_config_file, --file_system_poll_wait_seconds
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { startBackend, type BackendChoice } from './backend.js';
import { readModelConfigFile, type ModelConfig } from './model-config.js';
import { grpcApi, listenGrpc } from './grpc-api.js';
import { ServingMetrics } from './metrics.js';
import { ModelStore } from './model-store.js';
import { restApi } from './rest-api.js';
import { ModelRunner } from './runner.js';

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string' },
    rest_api_port: { type: 'string' },
    model_name: { type: 'string' },
    model_base_path: { type: 'string' },
    model_config_file: { type: 'string' },
    file_system_poll_wait_seconds: { type: 'string' },
  },
  strict: false,
});
const flag = (name: string): string | undefined => {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
};

function modelConfigs(): ModelConfig[] {
  const file = flag('model_config_file') ?? process.env['MODEL_CONFIG_FILE'];
  if (file) return readModelConfigFile(file);
  const name = flag('model_name') ?? process.env['MODEL_NAME'] ?? 'model';
  const base = flag('model_base_path') ?? process.env['MODEL_BASE_PATH'] ?? '/models';
  return [{ name, basePath: flag('model_base_path') ? base : `${base}/${name}` }];
}

const port = Number(flag('rest_api_port') ?? process.env['REST_API_PORT'] ?? 8501);
const grpcPort = Number(flag('port') ?? process.env['GRPC_PORT'] ?? 8500);
const pollSeconds = Number(flag('file_system_poll_wait_seconds') ?? 2);
const maxBodyBytes = Number(process.env['MAX_REQUEST_BYTES'] ?? 512 * 1024 * 1024);

const backendChoice = (process.env['TFJS_BACKEND'] ?? 'auto') as BackendChoice;
const backend = await startBackend(backendChoice);
// Model threads, each with its own WebAssembly instance: the cores available by default.
const threads = process.env['TFJS_THREADS'] ? Number(process.env['TFJS_THREADS']) : undefined;
const runner = await ModelRunner.start(backendChoice, threads);
const store = new ModelStore(modelConfigs());
await store.refresh();
if (pollSeconds > 0) store.startPolling(pollSeconds);
const metrics = new ServingMetrics();
const api = restApi({ store, runner, metrics, maxBodyBytes });
const grpc = grpcApi({ store, runner, metrics, maxMessageBytes: maxBodyBytes });
await listenGrpc(grpc, grpcPort);

const server = createServer((request, response) => {
  // Health for orchestrators; TF Serving itself is probed through the model status.
  if (request.url === '/healthz' || request.url === '/readyz') {
    const ok = request.url === '/healthz' || store.ready;
    response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok, models: store.names }));
    return;
  }
  api(request, response);
});
server.keepAliveTimeout = 75_000;
server.listen(port, () => {
  console.log(
    JSON.stringify({
      msg: 'model server listening',
      port,
      grpcPort,
      backend,
      threads: runner.size,
      models: store.names,
      ready: store.ready,
    }),
  );
});

const shutdown = (): void => {
  store.stop();
  grpc.tryShutdown(() => undefined);
  void runner.stop();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
