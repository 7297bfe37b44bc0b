// Reads a .npy file into an onnxruntime-node Tensor (the subset of the format numpy.save writes for C-order arrays).
// run_onnx.mjs and calibrate.mjs share it.
import { readFileSync } from 'node:fs';

export const DTYPES = {
  '<f4': ['float32', Float32Array, 4],
  '<f2': ['float16', Uint16Array, 2],
  '<i8': ['int64', BigInt64Array, 8],
  '<i4': ['int32', Int32Array, 4],
  '|b1': ['bool', Uint8Array, 1],
  '|u1': ['uint8', Uint8Array, 1],
};

export function readNpy(path, ort) {
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
