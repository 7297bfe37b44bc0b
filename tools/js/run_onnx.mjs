// Runs one ONNX model with ONNX Runtime for Node.js (CPU).
// Usage: node run_onnx.mjs MODEL.onnx IN_DIR OUT_DIR [REPEATS]
// Reads IN_DIR/<input name>.npy for every model input (float32, float16, int64, int32, bool),
// writes OUT_DIR/<output name>.npy, and prints one JSON line with names, shapes and timings.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

const DTYPES = {
  '<f4': ['float32', Float32Array, 4],
  '<f2': ['float16', Uint16Array, 2],
  '<i8': ['int64', BigInt64Array, 8],
  '<i4': ['int32', Int32Array, 4],
  '|b1': ['bool', Uint8Array, 1],
  '|u1': ['uint8', Uint8Array, 1],
};

function readNpy(path) {
  const bytes = readFileSync(path);
  if (bytes.readUInt32BE(0) !== 0x934e554d) throw new Error(`Expected a .npy file; got other bytes in ${path}`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', start, start + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`Expected C order; got Fortran order in ${path}`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const entry = DTYPES[descr];
  if (!entry) throw new Error(`Expected one of ${Object.keys(DTYPES).join(', ')}; got dtype ${descr} in ${path}`);
  const [type, ArrayType, size] = entry;
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLength;
  const copy = new ArrayBuffer(count * size);
  new Uint8Array(copy).set(bytes.subarray(dataStart, dataStart + count * size));
  return new ort.Tensor(type, new ArrayType(copy), shape);
}

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
for (const name of session.inputNames) feeds[name] = readNpy(join(inDir, `${name}.npy`));
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
