// Collects activation ranges for static int8 quantisation (tools/quantize.py) with ONNX Runtime for Node.js (CPU).
// Usage: node calibrate.mjs MODEL.onnx FEEDS_DIR
// MODEL.onnx has the tensors to calibrate declared as extra graph outputs; FEEDS_DIR holds one folder per
// calibration sample with <input name>.npy for every model input (the format run_onnx.mjs reads).
// Prints one JSON line: {"samples": n, "ranges": {tensor: [min, max]}, "runMs": [...]}. Only float32 outputs count.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { readNpy } from './npy.mjs';

const [modelPath, feedsDir] = process.argv.slice(2);
if (!modelPath || !feedsDir) {
  console.error('Usage: node calibrate.mjs MODEL.onnx FEEDS_DIR');
  process.exit(2);
}
const threads = Number(process.env.ORT_INTRA_OP_THREADS ?? '2');
// 'basic' keeps every declared output as computed by the unfused graph the quantiser rewrites.
const session = await ort.InferenceSession.create(modelPath, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'basic',
  intraOpNumThreads: threads,
});
const samples = readdirSync(feedsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
if (samples.length === 0) throw new Error(`Expected at least one sample folder in ${feedsDir}; got none`);
const ranges = {};
const runMs = [];
for (const sample of samples) {
  const feeds = {};
  for (const name of session.inputNames) feeds[name] = readNpy(join(feedsDir, sample, `${name}.npy`), ort);
  const t = performance.now();
  const results = await session.run(feeds);
  runMs.push(performance.now() - t);
  for (const name of session.outputNames) {
    const tensor = results[name];
    if (tensor.type !== 'float32') continue;
    let lo = Infinity;
    let hi = -Infinity;
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const r = ranges[name];
    ranges[name] = r ? [Math.min(r[0], lo), Math.max(r[1], hi)] : [lo, hi];
  }
}
console.log(JSON.stringify({ samples: samples.length, ranges, runMs }));
