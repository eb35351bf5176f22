// The viewer's 3-D view of a mesh (plain WebGL2: lighter than vtk.js for one surface):
// ITK cell buffers triangulated (polygons fanned; lines and vertices not drawn), smooth
// normals, a headlight, orbit by dragging and zoom by the wheel, point data (its first
// component) coloured from blue through white to red; and the outline of the mesh where it
// cuts an image's slice plane, for the slice views.

/** Triangles (vertex ids) of an ITK cell buffer: triangles, quads and polygons, fanned. */
export function triangles(mesh) {
  const cells = mesh.cells;
  const out = [];
  for (let at = 0; at + 1 < cells.length;) {
    const kind = Number(cells[at]);
    const n = Number(cells[at + 1]);
    if ((kind === 2 || kind === 3 || kind === 4) && n >= 3) {
      // ITK's quadrilateral is in order around its edge, as a polygon's is.
      for (let k = 1; k + 1 < n; k++) out.push(Number(cells[at + 2]), Number(cells[at + 2 + k]), Number(cells[at + 3 + k]));
    }
    at += 2 + n;
  }
  return Uint32Array.from(out);
}

/** The mesh's points as 3-D float32 (2-D points get z = 0). */
export function points3(mesh) {
  const d = mesh.meshType.dimension;
  const p = mesh.points;
  const out = new Float32Array(mesh.numberOfPoints * 3);
  for (let i = 0; i < mesh.numberOfPoints; i++) for (let k = 0; k < Math.min(3, d); k++) out[i * 3 + k] = Number(p[i * d + k]);
  return out;
}

/** Blue (low) through white to red (high). */
export function diverging(t) {
  const x = Math.min(1, Math.max(0, t));
  return x < 0.5 ? [2 * x, 2 * x, 1] : [1, 2 * (1 - x), 2 * (1 - x)];
}

function normals(p, tris) {
  const n = new Float32Array(p.length);
  for (let t = 0; t < tris.length; t += 3) {
    const [a, b, c] = [tris[t] * 3, tris[t + 1] * 3, tris[t + 2] * 3];
    const u = [p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]];
    const v = [p[c] - p[a], p[c + 1] - p[a + 1], p[c + 2] - p[a + 2]];
    const f = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    for (const i of [a, b, c]) for (let k = 0; k < 3; k++) n[i + k] += f[k]; // area-weighted
  }
  return n;
}

const VERTEX = `#version 300 es
in vec3 position; in vec3 normal; in vec3 colour;
uniform mat4 view; uniform mat4 projection;
out vec3 n; out vec3 c;
void main() { n = mat3(view) * normal; c = colour; gl_Position = projection * view * vec4(position, 1.0); }`;
const FRAGMENT = `#version 300 es
precision highp float;
in vec3 n; in vec3 c; out vec4 colour;
void main() { float l = abs(normalize(n).z); colour = vec4(c * (0.25 + 0.75 * l), 1.0); }`;

function program(gl) {
  const shader = (type, src) => {
    const s = gl.createShader(type);
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
    return s;
  };
  const p = gl.createProgram();
  gl.attachShader(p, shader(gl.VERTEX_SHADER, VERTEX));
  gl.attachShader(p, shader(gl.FRAGMENT_SHADER, FRAGMENT));
  gl.linkProgram(p);
  if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(p));
  return p;
}

function multiply(a, b) {
  const o = new Float32Array(16);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) o[c * 4 + r] += a[k * 4 + r] * b[c * 4 + k];
  return o;
}

/** A WebGL2 view of `mesh` in `canvas`: returns { draw(), orbit(dx, dy), zoom(f) }. */
export function meshView(canvas, mesh) {
  const gl = canvas.getContext('webgl2', { preserveDrawingBuffer: true });
  if (!gl) throw new Error('this browser has no WebGL2');
  const p = points3(mesh);
  const tris = triangles(mesh);
  const colours = new Float32Array(p.length).fill(0.85);
  const comps = mesh.meshType.pointPixelComponents;
  if (mesh.pointData && mesh.numberOfPointPixels === mesh.numberOfPoints && mesh.pointData.length > 0) {
    let [lo, hi] = [Infinity, -Infinity];
    for (let i = 0; i < mesh.numberOfPoints; i++) {
      const x = Number(mesh.pointData[i * comps]);
      if (Number.isFinite(x)) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
    }
    for (let i = 0; i < mesh.numberOfPoints; i++) {
      colours.set(diverging((Number(mesh.pointData[i * comps]) - lo) / (hi - lo || 1)), i * 3);
    }
  }
  const prog = program(gl);
  gl.useProgram(prog);
  const buffer = (name, data) => {
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
    const at = gl.getAttribLocation(prog, name);
    gl.enableVertexAttribArray(at);
    gl.vertexAttribPointer(at, 3, gl.FLOAT, false, 0, 0);
  };
  buffer('position', p);
  buffer('normal', normals(p, tris));
  buffer('colour', colours);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, tris, gl.STATIC_DRAW);
  // The bounding sphere frames the view.
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3) for (let k = 0; k < 3; k++) [lo[k], hi[k]] = [Math.min(lo[k], p[i + k]), Math.max(hi[k], p[i + k])];
  const centre = lo.map((l, k) => (l + hi[k]) / 2);
  const radius = Math.max(1e-9, Math.hypot(...hi.map((h, k) => h - lo[k])) / 2);
  const camera = { yaw: 0, pitch: 0, distance: 3 * radius };
  function draw() {
    gl.viewport(0, 0, canvas.width, canvas.height);
    gl.clearColor(0.08, 0.09, 0.12, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.enable(gl.DEPTH_TEST);
    const [cy, sy, cp, sp] = [Math.cos(camera.yaw), Math.sin(camera.yaw), Math.cos(camera.pitch), Math.sin(camera.pitch)];
    // view = translate(0, 0, -distance) * rotateX(pitch) * rotateY(yaw) * translate(-centre)
    const rotY = [cy, 0, -sy, 0, 0, 1, 0, 0, sy, 0, cy, 0, 0, 0, 0, 1];
    const rotX = [1, 0, 0, 0, 0, cp, sp, 0, 0, -sp, cp, 0, 0, 0, 0, 1];
    const toCentre = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -centre[0], -centre[1], -centre[2], 1];
    const back = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, -camera.distance, 1];
    const view = multiply(back, multiply(rotX, multiply(rotY, toCentre)));
    const f = 1 / Math.tan(Math.PI / 8);
    const aspect = canvas.width / canvas.height;
    const [near, far] = [camera.distance / 100, camera.distance * 10];
    const projection = [f / aspect, 0, 0, 0, 0, f, 0, 0, 0, 0, (far + near) / (near - far), -1, 0, 0, (2 * far * near) / (near - far), 0];
    gl.uniformMatrix4fv(gl.getUniformLocation(prog, 'view'), false, view);
    gl.uniformMatrix4fv(gl.getUniformLocation(prog, 'projection'), false, new Float32Array(projection));
    gl.drawElements(gl.TRIANGLES, tris.length, gl.UNSIGNED_INT, 0);
  }
  return {
    draw,
    triangles: tris.length / 3,
    orbit(dx, dy) {
      camera.yaw += dx * 0.01;
      camera.pitch = Math.max(-1.5, Math.min(1.5, camera.pitch + dy * 0.01));
      draw();
    },
    zoom(factor) {
      camera.distance = Math.max(radius * 0.2, Math.min(radius * 50, camera.distance * factor));
      draw();
    },
  };
}

/** Where the mesh's triangles cross the plane `coordinate[normal] = s` of an image's index
 * space: segments [[u0, v0], [u1, v1]] in continuous index coordinates of the plane's
 * axes. Points go to index space through the image's origin, direction and spacing. */
export function slicePlaneSegments(mesh, image, normal, s, u, v) {
  const d = image.imageType.dimension;
  if (d !== 3) return [];
  const p = points3(mesh);
  const { origin, spacing, direction } = image;
  // index = diag(1/spacing) * D^T * (x - origin): D is orthonormal in ITK images.
  const n = mesh.numberOfPoints;
  const idx = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      let sum = 0;
      for (let r = 0; r < 3; r++) sum += direction[r * 3 + k] * (p[i * 3 + r] - origin[r]);
      idx[i * 3 + k] = sum / spacing[k];
    }
  }
  const tris = triangles(mesh);
  const out = [];
  for (let t = 0; t < tris.length; t += 3) {
    const corners = [tris[t], tris[t + 1], tris[t + 2]].map((i) => [idx[i * 3], idx[i * 3 + 1], idx[i * 3 + 2]]);
    const hits = [];
    for (let e = 0; e < 3; e++) {
      const [a, b] = [corners[e], corners[(e + 1) % 3]];
      const [da, db] = [a[normal] - s, b[normal] - s];
      if ((da < 0 && db >= 0) || (da >= 0 && db < 0)) {
        const f = da / (da - db);
        hits.push([a[u] + f * (b[u] - a[u]), a[v] + f * (b[v] - a[v])]);
      }
    }
    if (hits.length === 2) out.push(hits);
  }
  return out;
}
