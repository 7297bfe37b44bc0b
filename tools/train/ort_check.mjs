// Verifies the exported SkinSAM-Tiny ONNX files with onnxruntime-node against PyTorch outputs
// written by export.py, then measures encode + one decode latency.
//   ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm install --prefix .cache/ortnode onnxruntime-node
//   NODE_PATH=.cache/ortnode/node_modules node tools/train/ort_check.mjs models/skinsam-tiny .cache/export_check
import { createRequire } from "module";
import fs from "fs";
import path from "path";

const require = createRequire(import.meta.url);
const ort = require(process.env.ORT_NODE || path.resolve(".cache/ortnode/node_modules/onnxruntime-node"));
const [modelDir = "models/skinsam-tiny", checkDir = ".cache/export_check", iters = "20"] = process.argv.slice(2);

function readF32(file) {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}
function maxAbs(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
function signAgree(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] > 0) === (b[i] > 0) ? 1 : 0;
  return s / a.length;
}

const opts = { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: process.env.ORT_OPT || "all" };
const enc = await ort.InferenceSession.create(path.join(modelDir, "encoder.onnx"), opts);
const dec = await ort.InferenceSession.create(path.join(modelDir, "decoder.onnx"), opts);
console.log("encoder", enc.inputNames, enc.outputNames, "decoder", dec.inputNames, dec.outputNames);
const cases = JSON.parse(fs.readFileSync(path.join(checkDir, "cases.json"), "utf8"));
const embs = {};
let worst = { emb: 0, masks: 0, low: 0, iou: 0, agree: 1 };
for (const c of cases) {
  if (!(c.img in embs)) {
    const img = readF32(path.join(checkDir, `img${c.img}.f32`));
    const side = c.size || 1024;
    const out = await enc.run({ image: new ort.Tensor("float32", img, [1, 3, side, side]) });
    const e = out.image_embeddings;
    const ref = readF32(path.join(checkDir, `emb${c.img}.f32`));
    worst.emb = Math.max(worst.emb, maxAbs(e.data, ref));
    embs[c.img] = e;
  }
  const n = c.labels.length;
  const feeds = {
    image_embeddings: embs[c.img],
    point_coords: new ort.Tensor("float32", Float32Array.from(c.coords.flat()), [1, n, 2]),
    point_labels: new ort.Tensor("float32", Float32Array.from(c.labels), [1, n]),
    mask_input: new ort.Tensor("float32", new Float32Array(256 * 256), [1, 1, 256, 256]),
    has_mask_input: new ort.Tensor("float32", Float32Array.from([0]), [1]),
    orig_im_size: new ort.Tensor("float32", Float32Array.from([c.h, c.w]), [2]),
  };
  const o = await dec.run(feeds);
  const shape = o.masks.dims.join("x");
  const dm = maxAbs(o.masks.data, readF32(path.join(checkDir, `masks${c.tag}.f32`)));
  const dl = maxAbs(o.low_res_masks.data, readF32(path.join(checkDir, `low${c.tag}.f32`)));
  const di = maxAbs(o.iou_predictions.data, Float32Array.from(c.iou));
  const ag = signAgree(o.masks.data, readF32(path.join(checkDir, `masks${c.tag}.f32`)));
  worst = { emb: worst.emb, masks: Math.max(worst.masks, dm), low: Math.max(worst.low, dl), iou: Math.max(worst.iou, di), agree: Math.min(worst.agree, ag) };
  console.log(`${c.tag}: masks ${shape} (torch ${c.masksShape.join("x")}) max|d| masks ${dm.toExponential(2)} low ${dl.toExponential(2)} iou ${di.toExponential(2)} sign agreement ${ag.toFixed(6)}`);
}
console.log("worst", JSON.stringify(worst));

// latency: encode + one box decode, 200x150 image
const side0 = cases[0].size || 1024;
const img = new ort.Tensor("float32", readF32(path.join(checkDir, "img0.f32")), [1, 3, side0, side0]);
const feeds = (e) => ({
  image_embeddings: e,
  point_coords: new ort.Tensor("float32", Float32Array.from([300, 200, 700, 560].map((v) => (v * side0) / 1024)), [1, 2, 2]),
  point_labels: new ort.Tensor("float32", Float32Array.from([2, 3]), [1, 2]),
  mask_input: new ort.Tensor("float32", new Float32Array(256 * 256), [1, 1, 256, 256]),
  has_mask_input: new ort.Tensor("float32", Float32Array.from([0]), [1]),
  orig_im_size: new ort.Tensor("float32", Float32Array.from([150, 200]), [2]),
});
for (let i = 0; i < 3; i++) { const e = await enc.run({ image: img }); await dec.run(feeds(e.image_embeddings)); }
const te = [], td = [], tt = [];
for (let i = 0; i < Number(iters); i++) {
  const t0 = process.hrtime.bigint();
  const e = await enc.run({ image: img });
  const t1 = process.hrtime.bigint();
  await dec.run(feeds(e.image_embeddings));
  const t2 = process.hrtime.bigint();
  te.push(Number(t1 - t0) / 1e6); td.push(Number(t2 - t1) / 1e6); tt.push(Number(t2 - t0) / 1e6);
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const min = (a) => Math.min(...a);
console.log(`latency over ${iters} runs (ms): encode median ${med(te).toFixed(1)} min ${min(te).toFixed(1)}; decode median ${med(td).toFixed(1)} min ${min(td).toFixed(1)}; encode+decode median ${med(tt).toFixed(1)} min ${min(tt).toFixed(1)}`);
