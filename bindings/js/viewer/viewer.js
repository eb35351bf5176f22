// witk's viewer: images read in a Web Worker by @witk/image-io (or a DICOM series by
// @witk/dicom), shown as three orthogonal slices in physical proportions with window and
// level, label colours, maximum-intensity projections, the value and LPS position under
// the cursor, and saving (the slice as PNG, the image in any image-io format).
//
// The pictures follow @witk/view's render-slices rules (wit/view/world.wit): the same
// window formula, label colours, z-up panels and nearest-neighbour physical scaling, so a
// canvas here equals that function's panel pixel for pixel (the browser test checks it).
// They are computed here, not by the component, so that scrolling a slice does not copy
// the volume into a component each time.
import { readImage, writeImage, rawPixelLayout, warm as warmImageIo } from '../../../build/npm/image-io/index.js';
import { downsampleBinShrink } from '../../../build/npm/downsample/index.js';
import { readImageDicomFileSeries } from '../../../build/npm/dicom/index.js';
import { readMesh } from '../../../build/npm/mesh-io/index.js';
import { meshView, slicePlaneSegments } from './mesh-view.js';

const $ = (id) => document.getElementById(id);
const MAX_SIDE = 4096;
const BLACK = [0, 0, 0];
// Each plane: [normal, u (right), v (down), z up].
const PLANES = { 2: [2, 0, 1, false], 1: [1, 0, 2, true], 0: [0, 1, 2, true] };

const state = {
  image: null, size: [1, 1, 1], slices: [0, 0, 0], window: 1, level: 0.5, labels: false, mip: false, mips: {},
  mesh: null, view: null,
  // What the last load showed ('preview', 'full'), and when (ms after it began).
  steps: [], times: {},
};
// Files at least `previewBytes` long are shown first as a preview of about `previewVoxels`.
const options = { previewBytes: 64 * 2 ** 20, previewVoxels: 2 ** 18 };
const ARRAYS = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array, int32: Int32Array,
  uint64: BigUint64Array, int64: BigInt64Array, float32: Float32Array, float64: Float64Array,
};
// Files a mesh reader takes (a .vtk is tried as an image first, then as a mesh).
const MESH = /\.(stl|ply|obj|off|byu|fsa|fsb|asc|mz3|swc|vtp|gii|iwm|iwm\.cbor|iwm\.cbor\.zst)$|^[lr]h\.(pial|white|inflated|sphere|orig|smoothwm)$/i;

/** A distinct colour per label, 0 black: hues a golden angle apart (render-slices' rule). */
export function labelColour(l) {
  if (l === 0) return [0, 0, 0];
  const h = (((l * 0.618033988749895) % 1) + 1) % 1 * 6;
  const [s, v] = [0.65, 1.0];
  const f = h - Math.floor(h);
  const [p, q, t] = [v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))];
  const rgb = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][Math.min(5, Math.floor(h))];
  return rgb.map((x) => Math.round(x * 255));
}

/** A value windowed to 8 bits, halves up, NaN black (render-slices' rule). */
export function grey(x, lo, hi) {
  if (Number.isNaN(x)) return 0;
  const t = hi > lo ? (x - lo) / (hi - lo) : x >= hi ? 1 : 0;
  return Math.floor(255 * Math.min(1, Math.max(0, t)) + 0.5);
}

function components(image) {
  return image.imageType.components;
}

/** The 0.5th and 99.5th percentile of (at most 100 000, strided) finite values: a sample
 * small enough to sort without a visible pause on the main thread. */
function percentiles(data, comps) {
  const step = Math.max(1, Math.floor(data.length / comps / 1e5)) * comps;
  const sample = new Float64Array(Math.ceil(data.length / step));
  let n = 0;
  for (let i = 0; i < data.length; i += step) {
    const x = Number(data[i]);
    if (Number.isFinite(x)) sample[n++] = x;
  }
  if (n === 0) return [0, 1];
  const sorted = sample.subarray(0, n).sort();
  const at = (q) => sorted[Math.min(n - 1, Math.round(q * (n - 1)))];
  return [at(0.005), at(0.995)];
}

function index(x, y, z) {
  const [nx, ny] = state.size;
  return x + nx * (y + ny * z);
}

/** The plane's values (or colours) at its native resolution, u fastest. */
function plane(normal) {
  const [, u, v] = PLANES[normal];
  const { size } = state;
  const data = state.image.data;
  const c = components(state.image);
  const [nu, nv] = [size[u], size[v]];
  const stride = [1, size[0], size[0] * size[1]];
  const big = typeof data[0] === 'bigint';
  const value = big ? (k) => Number(data[k]) : (k) => data[k];
  if (state.mip) {
    if (!state.mips[normal]) {
      const out = new Float64Array(nu * nv).fill(NaN);
      for (let s = 0; s < size[normal]; s++) {
        for (let j = 0; j < nv; j++) {
          const row = s * stride[normal] + j * stride[v];
          for (let i = 0; i < nu; i++) {
            const x = value(row + i * stride[u]);
            const k = j * nu + i;
            if (!Number.isNaN(x) && (Number.isNaN(out[k]) || x > out[k])) out[k] = x;
          }
        }
      }
      state.mips[normal] = out;
    }
    return state.mips[normal];
  }
  const out = new Float64Array(nu * nv * c);
  const base = state.slices[normal] * stride[normal];
  for (let j = 0; j < nv; j++) {
    for (let i = 0; i < nu; i++) {
      const at = (base + j * stride[v] + i * stride[u]) * c;
      for (let k = 0; k < c; k++) out[(j * nu + i) * c + k] = value(at + k);
    }
  }
  return out;
}

/** One pixel size for every panel: the finest spacing, coarser if a side would pass MAX_SIDE. */
function pixelSize(normals) {
  const sp = state.image.spacing;
  let ps = Infinity;
  for (const n of normals) for (const a of PLANES[n].slice(1, 3)) ps = Math.min(ps, sp[a] ?? 1);
  for (const n of normals) {
    for (const a of PLANES[n].slice(1, 3)) {
      const need = (state.size[a] * (sp[a] ?? 1)) / ps;
      if (need > MAX_SIDE) ps *= need / MAX_SIDE;
    }
  }
  return ps;
}

function shownNormals() {
  return state.image.imageType.dimension === 2 ? [2] : [2, 1, 0];
}

function draw(normal) {
  const figure = document.querySelector(`figure[data-axis="${normal}"]`);
  const canvas = figure.querySelector('canvas');
  const [, u, v, flip] = PLANES[normal];
  const sp = state.image.spacing;
  const ps = pixelSize(shownNormals());
  const [nu, nv] = [state.size[u], state.size[v]];
  const side = (n, s) => Math.max(1, Math.round((n * s) / ps));
  const [w, h] = [side(nu, sp[u] ?? 1), side(nv, sp[v] ?? 1)];
  canvas.width = w;
  canvas.height = h;
  // Small images are shown enlarged (whole steps, pixels kept sharp by the CSS).
  const zoom = Math.max(1, Math.floor(256 / Math.max(w, h)));
  canvas.style.width = `${w * zoom}px`;
  canvas.style.height = `${h * zoom}px`;
  const values = plane(normal);
  const c = state.mip ? 1 : components(state.image);
  const colour = c > 1;
  const lo = state.level - state.window / 2;
  const hi = state.level + state.window / 2;
  const pixels = new ImageData(w, h);
  const px = pixels.data;
  const idx = (k, n, s) => Math.min(n - 1, Math.floor(((k + 0.5) * ps) / s));
  const cols = Array.from({ length: w }, (_, k) => idx(k, nu, sp[u] ?? 1));
  for (let r = 0; r < h; r++) {
    let j = idx(r, nv, sp[v] ?? 1);
    if (flip) j = nv - 1 - j;
    for (let col = 0; col < w; col++) {
      const at = (j * nu + cols[col]) * c;
      const o = (r * w + col) * 4;
      if (colour) {
        px[o] = values[at];
        px[o + 1] = values[at + 1];
        px[o + 2] = values[at + 2];
      } else if (state.labels) {
        const x = values[at];
        const rgb = Number.isFinite(x) ? labelColour(Math.round(x)) : BLACK;
        px[o] = rgb[0];
        px[o + 1] = rgb[1];
        px[o + 2] = rgb[2];
      } else {
        const g = grey(values[at], lo, hi);
        px[o] = g;
        px[o + 1] = g;
        px[o + 2] = g;
      }
      px[o + 3] = 255;
    }
  }
  annotate(figure, normal, { u, v, flip, ps, zoom });
  if (state.mesh && !state.mip) outline(pixels, normal, { u, v, flip, ps, nv });
  canvas.getContext('2d').putImageData(pixels, 0, 0);
  canvas.dataset.plane = JSON.stringify({ u, v, flip, ps, nu, nv });
}

// LPS: the letters of each physical axis's negative and positive ends.
const LPS_LETTERS = [['R', 'L'], ['A', 'P'], ['I', 'S']];

/** The anatomical letters a physical direction points to: the axes at least half as
 * large as its largest component, largest first ("L", or "LP" for an oblique one). */
export function orientation(vector) {
  const mags = vector.map(Math.abs);
  const max = Math.max(...mags);
  if (!(max > 0)) return '';
  return [...vector.keys()]
    .filter((k) => mags[k] >= max / 2)
    .sort((a, b) => mags[b] - mags[a])
    .map((k) => LPS_LETTERS[k][vector[k] > 0 ? 1 : 0])
    .join('');
}

/** The longest 1, 2 or 5 x 10^k mm at most `mm` long (a scale bar's length). */
export function niceLength(mm) {
  const p = 10 ** Math.floor(Math.log10(mm));
  return [5, 2, 1].map((m) => m * p).find((x) => x <= mm) ?? p;
}

/** The physical direction of index axis `a` (a column of the direction matrix). */
function axisDirection(a, sign = 1) {
  const d = state.image.imageType.dimension;
  if (a >= d) return [];
  return Array.from({ length: d }, (_, r) => sign * state.image.direction[r * d + a]);
}

/** Index to LPS: origin + direction * (index * spacing). */
function physical(at) {
  const { origin, direction, spacing } = state.image;
  const d = state.image.imageType.dimension;
  return Array.from({ length: d }, (_, r) => origin[r] + at.slice(0, d).reduce((sum, i, k) => sum + direction[r * d + k] * i * spacing[k], 0));
}

/** A panel's orientation letters (from the direction matrix, so an image stored flipped
 * or oblique is labelled as it lies in the patient), its scale bar (a round length in mm,
 * as wide as that length on the screen) and the LPS position of its slice's centre. */
function annotate(figure, normal, { u, v, flip, ps, zoom }) {
  const right = axisDirection(u);
  const down = axisDirection(v, flip ? -1 : 1);
  const letters = { right: orientation(right), left: orientation(right.map((x) => -x)), bottom: orientation(down), top: orientation(down.map((x) => -x)) };
  for (const [edge, text] of Object.entries(letters)) figure.querySelector(`.edge[data-edge="${edge}"]`).textContent = text;
  const width = state.size[u] * (state.image.spacing[u] ?? 1);
  const mm = niceLength(width / 4);
  const bar = figure.querySelector('.ruler .bar');
  bar.style.width = `${(mm / ps) * zoom}px`;
  bar.dataset.mm = String(mm);
  figure.querySelector('.ruler .length').textContent = `${+mm.toPrecision(6)} mm`;
  const where = figure.querySelector('.ruler .where');
  if (state.image.imageType.dimension < 3 || state.mip) {
    where.textContent = state.mip ? 'projection' : '';
    return;
  }
  const centre = [0, 1, 2].map((a) => (a === normal ? state.slices[normal] : (state.size[a] - 1) / 2));
  where.textContent = `slice ${state.slices[normal]}: centre LPS (${physical(centre).map((x) => x.toFixed(1)).join(', ')}) mm`;
}

/** The mesh's outline where it cuts the slice, in opaque yellow pixels (drawn into the
 * picture, not antialiased, so it reads back exactly): continuous index i of a plane axis
 * is at canvas coordinate (i + 0.5) * spacing / pixel size. */
function outline(pixels, normal, { u, v, flip, ps, nv }) {
  const sp = state.image.spacing;
  const { width, height, data } = pixels;
  const x = (i) => ((i + 0.5) * sp[u]) / ps;
  const y = (j) => (((flip ? nv - 1 - j : j) + 0.5) * sp[v]) / ps;
  for (const [[u0, v0], [u1, v1]] of slicePlaneSegments(state.mesh, state.image, normal, state.slices[normal], u, v)) {
    const [ax, ay, bx, by] = [x(u0), y(v0), x(u1), y(v1)];
    const steps = Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay))) + 1;
    for (let k = 0; k <= steps; k++) {
      const [px, py] = [Math.floor(ax + ((bx - ax) * k) / steps), Math.floor(ay + ((by - ay) * k) / steps)];
      if (px < 0 || py < 0 || px >= width || py >= height) continue;
      data.set([255, 255, 0, 255], (py * width + px) * 4);
    }
  }
}

function drawAll() {
  for (const n of shownNormals()) draw(n);
}

function setWindow(window, level, { draw = true } = {}) {
  state.window = window;
  state.level = level;
  $('window').value = String(+window.toPrecision(6));
  $('level').value = String(+level.toPrecision(6));
  if (draw) drawAll();
}

function setSlice(normal, s) {
  state.slices[normal] = Math.max(0, Math.min(state.size[normal] - 1, s));
  document.querySelector(`figure[data-axis="${normal}"] .slice`).value = String(state.slices[normal]);
  if (!state.mip) draw(normal);
}

async function autoWindow() {
  let t = performance.now();
  const [lo, hi] = percentiles(state.image.data, components(state.image));
  setWindow(hi - lo, (lo + hi) / 2, { draw: false });
  const tasks = [performance.now() - t];
  // Each panel in its own task: on a 256³ volume the sampling and the first drawings
  // (before the JIT has warmed up) each stay under 50 ms, together they would not.
  for (const n of shownNormals()) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    t = performance.now();
    draw(n);
    tasks.push(performance.now() - t);
  }
  state.tasks = tasks; // how long each step held the main thread, in ms
}

/** The index and LPS position under a canvas point, and the value there. */
function probe(normal, event) {
  const canvas = event.currentTarget;
  const { u, v, flip, ps, nu, nv } = JSON.parse(canvas.dataset.plane);
  const sp = state.image.spacing;
  const rect = canvas.getBoundingClientRect();
  const cx = ((event.clientX - rect.left) / rect.width) * canvas.width;
  const cy = ((event.clientY - rect.top) / rect.height) * canvas.height;
  const at = [0, 0, 0];
  at[normal] = state.slices[normal];
  at[u] = Math.min(nu - 1, Math.floor((cx * ps) / (sp[u] ?? 1)));
  let j = Math.min(nv - 1, Math.floor((cy * ps) / (sp[v] ?? 1)));
  at[v] = flip ? nv - 1 - j : j;
  const d = state.image.imageType.dimension;
  const c = components(state.image);
  const value = Array.from({ length: c }, (_, k) => Number(state.image.data[index(...at) * c + k]));
  return { index: at.slice(0, d), value, lps: physical(at) };
}

/**
 * A quick picture of a large uncompressed 3-D file (raw NRRD, MetaImage, NIfTI; the pixels
 * in the file itself): image-io parses the header (raw-pixel-layout, then an
 * information-only read of the first MiB), every k-th slice is read straight from the
 * file, and witk's downsample bin-shrinks those slices k x k. k is chosen for about
 * `options.previewVoxels` voxels, so the preview reads 1/k of the file. Null for any
 * other file (compressed, detached pixels, big-endian, 2-D), which is shown when read.
 */
export async function previewOf(file) {
  const head = new File([file.slice(0, 1 << 20)], file.name);
  const layout = await rawPixelLayout(head, { worker: true });
  const { value0: mappable, value1: pixelFile, value2: offset, value3: bigEndian } = layout;
  if (!mappable || pixelFile !== '' || bigEndian) return null;
  const info = await readImage(head, { informationOnly: true, worker: true });
  const { size, spacing, origin, direction, imageType } = info;
  const Typed = ARRAYS[imageType.componentType];
  if (imageType.dimension !== 3 || !Typed) return null;
  const k = Math.max(2, Math.ceil(Math.cbrt((size[0] * size[1] * size[2]) / options.previewVoxels)));
  if (size.some((n) => n < k)) return null;
  const sliceBytes = size[0] * size[1] * imageType.components * Typed.BYTES_PER_ELEMENT;
  const start = Number(offset);
  if (start + size[2] * sliceBytes > file.size) return null; // truncated: the full read says how
  // The middle slice of each k-slab, at its own physical position.
  const first = Math.floor(k / 2);
  const zs = Array.from({ length: Math.floor((size[2] - first - 1) / k) + 1 }, (_, j) => first + j * k);
  const bytes = new Uint8Array(zs.length * sliceBytes);
  await Promise.all(zs.map(async (z, j) => {
    const at = start + z * sliceBytes;
    bytes.set(new Uint8Array(await file.slice(at, at + sliceBytes).arrayBuffer()), j * sliceBytes);
  }));
  const slices = {
    ...info,
    size: [size[0], size[1], zs.length],
    bufferedRegion: null, // (the header's is the whole file's)
    spacing: [spacing[0], spacing[1], spacing[2] * k],
    origin: Array.from(origin, (o, r) => o + direction[r * 3 + 2] * first * spacing[2]),
    data: new Typed(bytes.buffer),
  };
  const image = await downsampleBinShrink(slices, [k, k, 1], { worker: true, transfer: true });
  return { image, k, first };
}

/** Tell the page (a `viewershown` event on document, its detail the step) that an image
 * is on the screen: its preview, or in full. Listeners run before the next step. */
function shownEvent(step) {
  document.dispatchEvent(new CustomEvent('viewershown', { detail: { step, image: state.image } }));
}

/** Read an image file in a worker; a large raw one is shown as its preview meanwhile. */
async function readWithPreview(file, t0) {
  const full = readImage(file, { worker: true });
  if (file.size < options.previewBytes) return full;
  full.catch(() => {}); // (awaited by the caller; not an unhandled rejection meanwhile)
  // The full image waits for the preview, so that it always replaces it; for a file this
  // large the preview, reading 1/k of it, is the first by far.
  const preview = await previewOf(file).catch(() => null);
  if (preview) {
    await show(preview.image, `${file.name} (preview: 1 slice in ${preview.k}, bin-shrunk ${preview.k} x ${preview.k}; reading the rest)`);
    state.steps.push('preview');
    state.times.preview = performance.now() - t0;
    state.preview = preview;
    shownEvent('preview');
  }
  return full;
}

async function show(image, name) {
  if (image.imageType.dimension < 2 || image.imageType.dimension > 3) {
    throw new Error(`a ${image.imageType.dimension}-D image: the viewer shows 2-D and 3-D images`);
  }
  const c = components(image);
  if (c > 1 && !(c >= 3 && image.imageType.componentType === 'uint8')) {
    throw new Error(`${c} components of ${image.imageType.componentType}: the viewer shows scalars and uint8 RGB(A)`);
  }
  const previous = state.preview && state.image === state.preview.image ? { ...state.preview, slices: state.slices } : null;
  state.image = image;
  state.size = [image.size[0], image.size[1], image.size[2] ?? 1];
  state.mips = {};
  state.slices = state.size.map((n) => Math.floor(n / 2));
  if (previous) {
    // The full image after its preview: the same slices (preview index i is full index
    // i k + (k - 1) / 2 in-plane, i k + first across).
    const { k, first } = previous;
    const to = (i, a) => (a === 2 ? i * k + first : Math.round(i * k + (k - 1) / 2));
    state.slices = state.slices.map((_, a) => Math.min(state.size[a] - 1, to(previous.slices[a], a)));
    state.preview = null;
  }
  for (const figure of document.querySelectorAll('figure[data-axis]')) {
    const n = Number(figure.dataset.axis);
    figure.hidden = !shownNormals().includes(n);
    const slider = figure.querySelector('.slice');
    slider.max = String(state.size[n] - 1);
    slider.value = String(state.slices[n]);
  }
  $('controls').hidden = false;
  // Projections and label colours are for scalar images.
  for (const id of ['mip', 'labels']) {
    $(id).disabled = c > 1;
    if (c > 1) $(id).checked = state[id === 'mip' ? 'mip' : 'labels'] = false;
  }
  await autoWindow();
  const { size, spacing } = image;
  $('status').textContent = `${name}: ${size.join(' x ')} ${image.imageType.componentType}` +
    `${c > 1 ? ` x ${c}` : ''}, spacing ${spacing.map((s) => +s.toPrecision(4)).join(' x ')}`;
}

async function load(files) {
  const t0 = performance.now();
  state.steps = [];
  state.times = {};
  state.preview = null;
  $('status').dataset.state = 'loading';
  $('status').textContent = `Reading ${files.map((f) => f.name).join(', ')}…`;
  try {
    const meshes = files.filter((f) => MESH.test(f.name));
    // DICOM files are named .dcm, or have no extension at all (as scanners write them).
    const dicom = files.filter((f) => /\.dcm$/i.test(f.name) || !/\.[a-z0-9]+$/i.test(f.name));
    const others = files.filter((f) => !MESH.test(f.name) && !dicom.includes(f));
    const shown = [];
    let image = null;
    if (dicom.length) image = [(await readImageDicomFileSeries(dicom, { worker: true })).outputImage, `${dicom.length} DICOM files`];
    for (const f of others) {
      // A .vtk that is polydata, not structured points, is a mesh; so is one after an image.
      if (image && /\.vtk$/i.test(f.name)) {
        meshes.push(f);
        continue;
      }
      if (image) throw new Error(`${f.name}: one image at a time (${image[1]} is the image)`);
      try {
        image = [await readWithPreview(f, t0), f.name];
      } catch (e) {
        if (!/\.vtk$/i.test(f.name)) throw e;
        meshes.push(f);
      }
    }
    if (image) {
      await show(...image);
      state.steps.push('full');
      state.times.full = performance.now() - t0;
      shownEvent('full');
      shown.push($('status').textContent);
    }
    for (const f of meshes) {
      showMesh(await readMesh(f, { worker: true }), f.name);
      shown.push($('mesh-caption').textContent);
    }
    $('status').textContent = shown.join('; ');
    $('status').dataset.state = 'shown';
  } catch (e) {
    $('status').dataset.state = 'error';
    $('status').textContent = String(e.message ?? e);
  }
}

function showMesh(mesh, name) {
  state.mesh = mesh;
  $('mesh-figure').hidden = false;
  state.view = meshView($('mesh'), mesh);
  state.view.draw();
  $('mesh-caption').textContent = `${name}: ${mesh.numberOfPoints} points, ${state.view.triangles} triangles` +
    `${mesh.numberOfPointPixels ? ', coloured by its point data' : ''}`;
  if (state.image) drawAll(); // the outline on the slices
}

async function loadUrl(...urls) {
  const files = [];
  for (const url of urls) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const name = new URL(url, location.href).pathname.split('/').pop();
    // A Blob stays in the browser's storage (no copy on this thread); the worker reads it.
    files.push(new File([await response.blob()], name));
  }
  await load(files);
}

function download(name, data, type = 'application/octet-stream') {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** What a folder holds that is worth reading: not hidden files, not DICOMDIR indexes. */
function wanted(file) {
  return !file.name.startsWith('.') && file.name.toUpperCase() !== 'DICOMDIR';
}

/** The files of a drop, folders walked (the entries are taken before the first await:
 * a DataTransfer is emptied when its event ends). */
async function dropped(transfer) {
  const entries = [...transfer.items].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.some((e) => e.isDirectory)) return [...transfer.files];
  const files = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  for (const e of entries) await walk(e);
  return files.filter(wanted);
}

$('file').addEventListener('change', (e) => e.target.files.length && load([...e.target.files]));
$('folder').addEventListener('change', (e) => e.target.files.length && load([...e.target.files].filter(wanted)));
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  dropped(e.dataTransfer).then((files) => files.length && load(files));
});
$('window').addEventListener('change', () => setWindow(Number($('window').value), state.level));
$('level').addEventListener('change', () => setWindow(state.window, Number($('level').value)));
$('preset').addEventListener('change', () => {
  const p = $('preset').value;
  if (p === 'auto') return autoWindow();
  if (p === 'full') {
    let [lo, hi] = [Infinity, -Infinity];
    for (const x of state.image.data) if (Number.isFinite(Number(x))) [lo, hi] = [Math.min(lo, Number(x)), Math.max(hi, Number(x))];
    return setWindow(hi - lo, (lo + hi) / 2);
  }
  const [w, l] = p.split(',').map(Number);
  setWindow(w, l);
});
$('labels').addEventListener('change', () => { state.labels = $('labels').checked; drawAll(); });
$('mip').addEventListener('change', () => { state.mip = $('mip').checked; drawAll(); });
$('save-png').addEventListener('click', () => {
  document.querySelector('figure[data-axis="2"] canvas').toBlob((b) => download('slice.png', b, 'image/png'));
});
$('save-image').addEventListener('click', async () => {
  try {
    const files = await writeImage(state.image, $('save-name').value, { worker: true });
    for (const f of files) download(f.path, f.data);
  } catch (e) {
    $('status').dataset.state = 'error';
    $('status').textContent = String(e.message ?? e);
  }
});
for (const figure of document.querySelectorAll('figure[data-axis]')) {
  const normal = Number(figure.dataset.axis);
  figure.querySelector('.slice').addEventListener('input', (e) => setSlice(normal, Number(e.target.value)));
  const canvas = figure.querySelector('canvas');
  let drag = null;
  canvas.addEventListener('mousedown', (e) => { drag = { x: e.clientX, y: e.clientY, window: state.window, level: state.level }; });
  window.addEventListener('mouseup', () => { drag = null; });
  canvas.addEventListener('mousemove', (e) => {
    if (!state.image) return;
    if (drag) {
      // Drag right for a wider window, down for a higher level, as most viewers do.
      const scale = Math.max(Math.abs(drag.window), 1e-9) / 256;
      setWindow(Math.max(1e-9, drag.window + (e.clientX - drag.x) * scale), drag.level + (e.clientY - drag.y) * scale);
    }
    const p = probe(normal, e);
    $('probe').textContent = `index (${p.index.join(', ')}) = ${p.value.map((x) => +x.toPrecision(6)).join(', ')}; ` +
      `LPS (${p.lps.map((x) => x.toFixed(2)).join(', ')}) mm`;
  });
  canvas.addEventListener('wheel', (e) => { e.preventDefault(); setSlice(normal, state.slices[normal] + Math.sign(e.deltaY)); });
}

// For tests and scripts: the state and the same actions as the controls.
window.viewer = { state, options, load, loadUrl, setWindow, setSlice, grey, labelColour, orientation, niceLength, previewOf };

// The 3-D view: drag to orbit, wheel to zoom.
{
  const canvas = $('mesh');
  let drag = null;
  canvas.addEventListener('mousedown', (e) => { drag = { x: e.clientX, y: e.clientY }; });
  window.addEventListener('mouseup', () => { drag = null; });
  canvas.addEventListener('mousemove', (e) => {
    if (!drag || !state.view) return;
    state.view.orbit(e.clientX - drag.x, e.clientY - drag.y);
    drag = { x: e.clientX, y: e.clientY };
  });
  canvas.addEventListener('wheel', (e) => { e.preventDefault(); state.view?.zoom(e.deltaY > 0 ? 1.1 : 1 / 1.1); });
}
const urls = new URLSearchParams(location.search).getAll('url');
// Compile image-io in the workers now, while the user picks a file: the first read then
// does not wait for it (measured on a 256³ NRRD: 255-340 ms cold, 55-70 ms warm).
window.viewer.warmed = warmImageIo({ worker: true }).catch(() => {});
window.ready = true;
if (urls.length) loadUrl(...urls).catch((e) => { $('status').dataset.state = 'error'; $('status').textContent = String(e); });
