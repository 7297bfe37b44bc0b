// SkinSam interactive page: no build step, no dependencies. The image is encoded once (POST /v1/embeddings); every
// click or box decodes the prompt against the kept embedding (POST /v1/embeddings/{id}/decode) and redraws the mask.
(() => {
  'use strict';
  const file = document.getElementById('file');
  const canvas = document.getElementById('view');
  const status = document.getElementById('status');
  const details = document.getElementById('details');
  const buttons = {
    undo: document.getElementById('undo'),
    clear: document.getElementById('clear'),
    accept: document.getElementById('accept'),
    download: document.getElementById('download'),
  };
  const ctx = canvas.getContext('2d');

  // Observable state (the browser test reads it): idle, encoding, ready, decoding, error.
  const state = {
    phase: 'idle', embeddingId: null, image: null, width: 0, height: 0,
    points: [], box: null, maskBlob: null, maskImage: null, accepted: null, decodes: 0, error: null,
  };
  window.skinsam = {
    state,
    // The last mask PNG as base64, for tests and for saving.
    maskPngBase64: async () => state.maskBlob ? bufferToBase64(await state.maskBlob.arrayBuffer()) : null,
  };

  function setPhase(phase, text, isError) {
    state.phase = phase;
    status.textContent = text;
    status.classList.toggle('error', !!isError);
    const hasImage = state.embeddingId !== null;
    buttons.undo.disabled = !hasImage || state.points.length === 0;
    buttons.clear.disabled = !hasImage || (state.points.length === 0 && !state.box);
    buttons.accept.disabled = !state.maskBlob;
    buttons.download.disabled = !(state.accepted || state.maskBlob);
  }

  async function problemText(response) {
    try {
      const p = await response.json();
      return `${p.title} (${p.code}): ${p.detail}`;
    } catch {
      return `HTTP ${response.status}`;
    }
  }

  file.addEventListener('change', async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    Object.assign(state, { embeddingId: null, points: [], box: null, maskBlob: null, maskImage: null, accepted: null, error: null });
    setPhase('encoding', `Encoding ${chosen.name}...`);
    try {
      state.image = await createImageBitmap(chosen);
      const form = new FormData();
      form.append('image', chosen, chosen.name);
      const response = await fetch('v1/embeddings', { method: 'POST', body: form });
      if (!response.ok) throw new Error(await problemText(response));
      const body = await response.json();
      state.embeddingId = body.id;
      state.width = body.width;
      state.height = body.height;
      const scale = Math.min(1, 900 / body.width) * (body.width < 400 ? 3 : 1);
      canvas.width = Math.round(body.width * scale);
      canvas.height = Math.round(body.height * scale);
      draw();
      setPhase('ready', `${chosen.name}: ${body.width}x${body.height}, encoded by ${body.model}. Click inside the lesion.`);
    } catch (e) {
      state.error = String(e.message || e);
      setPhase('error', state.error, true);
    }
  });

  function toImage(event) {
    const r = canvas.getBoundingClientRect();
    const x = (event.clientX - r.left) / r.width * state.width;
    const y = (event.clientY - r.top) / r.height * state.height;
    return [Math.max(0, Math.min(state.width, x)), Math.max(0, Math.min(state.height, y))];
  }

  let dragStart = null;
  let dragNow = null;
  canvas.addEventListener('mousedown', e => { if (state.embeddingId) { dragStart = toImage(e); dragNow = dragStart; } });
  canvas.addEventListener('mousemove', e => { if (dragStart) { dragNow = toImage(e); draw(); } });
  canvas.addEventListener('mouseup', e => {
    if (!dragStart) return;
    const end = toImage(e);
    const start = dragStart;
    dragStart = null;
    dragNow = null;
    const moved = Math.hypot(end[0] - start[0], end[1] - start[1]) * canvas.width / state.width;
    if (moved > 6) {
      state.box = [Math.min(start[0], end[0]), Math.min(start[1], end[1]), Math.max(start[0], end[0]), Math.max(start[1], end[1])];
    } else {
      state.points.push([end[0], end[1], e.shiftKey ? 0 : 1]);
    }
    decode();
  });

  buttons.undo.addEventListener('click', () => { state.points.pop(); decode(); });
  buttons.clear.addEventListener('click', () => {
    state.points = []; state.box = null; state.maskBlob = null; state.maskImage = null; draw();
    setPhase('ready', 'Prompt cleared.');
  });
  buttons.accept.addEventListener('click', () => {
    state.accepted = state.maskBlob;
    setPhase('ready', 'Mask accepted. Add points to refine it, or download it.');
  });
  buttons.download.addEventListener('click', () => {
    const blob = state.accepted || state.maskBlob;
    if (!blob) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'mask.png';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });

  let pending = 0;
  async function decode() {
    if (!state.embeddingId) return;
    if (state.points.length === 0 && !state.box) { buttons.clear.click(); return; }
    const ticket = ++pending;
    setPhase('decoding', 'Decoding...');
    const prompt = { points: state.points };
    if (state.box) prompt.box = state.box;
    try {
      const response = await fetch(`v1/embeddings/${state.embeddingId}/decode`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'image/png' }, body: JSON.stringify(prompt),
      });
      if (!response.ok) throw new Error(await problemText(response));
      const blob = await response.blob();
      if (ticket !== pending) return; // a newer prompt is on its way
      state.maskBlob = blob;
      state.maskImage = await createImageBitmap(blob);
      state.decodes++;
      draw();
      details.textContent = `predicted IoU ${response.headers.get('X-Predicted-Iou')}, area ${response.headers.get('X-Mask-Area')} px, ` +
        `${state.points.length} point(s)${state.box ? ', box' : ''}`;
      setPhase('ready', 'Mask updated. Accept it, refine it with more points (shift-click: background), or download it.');
    } catch (e) {
      state.error = String(e.message || e);
      setPhase('error', state.error, true);
    }
  }

  function draw() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!state.image) return;
    ctx.drawImage(state.image, 0, 0, canvas.width, canvas.height);
    if (state.maskImage) {
      // Tint the mask's white pixels: draw the mask into an offscreen canvas, keep its white as green at 45 %.
      const off = new OffscreenCanvas(canvas.width, canvas.height);
      const o = off.getContext('2d');
      o.imageSmoothingEnabled = false;
      o.drawImage(state.maskImage, 0, 0, canvas.width, canvas.height);
      const data = o.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.data.length; i += 4) {
        const on = data.data[i] > 127;
        data.data[i] = 0; data.data[i + 1] = 220; data.data[i + 2] = 90; data.data[i + 3] = on ? 115 : 0;
      }
      o.putImageData(data, 0, 0);
      ctx.drawImage(off, 0, 0);
    }
    const sx = canvas.width / state.width;
    const sy = canvas.height / state.height;
    for (const [x, y, label] of state.points) {
      ctx.beginPath();
      ctx.arc(x * sx, y * sy, 6, 0, 2 * Math.PI);
      ctx.fillStyle = label ? '#1565c0' : '#c62828';
      ctx.fill();
      ctx.strokeStyle = '#fff';
      ctx.stroke();
    }
    const box = dragStart && dragNow ? [dragStart[0], dragStart[1], dragNow[0], dragNow[1]] : state.box;
    if (box) {
      ctx.strokeStyle = '#ffeb3b';
      ctx.lineWidth = 2;
      ctx.strokeRect(box[0] * sx, box[1] * sy, (box[2] - box[0]) * sx, (box[3] - box[1]) * sy);
      ctx.lineWidth = 1;
    }
  }

  function bufferToBase64(buffer) {
    const bytes = new Uint8Array(buffer);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }
})();
