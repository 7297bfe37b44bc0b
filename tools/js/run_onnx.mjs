// Runs one ONNX model with ONNX Runtime for Node.js (CPU).
// Usage: node run_onnx.mjs MODEL.onnx IN_DIR OUT_DIR [REPEATS]
// Reads IN_DIR/<input name>.npy for every model input (float32, float16, int64, int32, bool),
// writes OUT_DIR/<output name>.npy, and prints one JSON line with names, shapes and timings.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { DTYPES, readNpy } from './npy.mjs';

function writeNpy(path, tensor) {
  const descr = Object.keys(DTYPES).find((k) => DTYPES[k][0] === tensor.type);
  if (!descr) throw new Error(`Expected an output type in ${Object.keys(DTYPES)}; got ${tensor.type}`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.writeUInt32BE(0x934e554d, 0);
  prefix[4] = 0x50; // 'P'
  prefix[5] = 0x59; // 'Y'
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

const [modelPath, inDir, outDir, repeatsText] = process.argv.slice(2);
if (!modelPath || !inDir || !outDir) {
  console.error('Usage: node run_onnx.mjs MODEL.onnx IN_DIR OUT_DIR [REPEATS]');
  process.exit(2);
}
const repeats = Math.max(1, Number(repeatsText ?? '1'));
const threads = Number(process.env.ORT_INTRA_OP_THREADS ?? '2');
const loadStart = performance.now();
const session = await ort.InferenceSession.create(modelPath, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: threads,
});
const loadMs = performance.now() - loadStart;
const feeds = {};
for (const name of session.inputNames) feeds[name] = readNpy(join(inDir, `${name}.npy`), ort);
const runMs = [];
let results;
for (let i = 0; i < repeats; i++) {
  const t = performance.now();
  results = await session.run(feeds);
  runMs.push(performance.now() - t);
}
mkdirSync(outDir, { recursive: true });
const outputs = {};
for (const name of session.outputNames) {
  writeNpy(join(outDir, `${name}.npy`), results[name]);
  outputs[name] = { type: results[name].type, dims: results[name].dims };
}
console.log(JSON.stringify({ inputs: session.inputNames, outputs, loadMs, runMs }));
