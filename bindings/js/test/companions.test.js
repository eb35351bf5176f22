// @witk/image-io in Node: the companion files a detached header (.nhdr, .mhd, .hdr) names
// are confined. After following symlinks each must be a regular file inside the header's
// folder (or a folder in the `companionRoots` option): names leaving the folder, absolute
// paths, symlinks out, FIFOs, devices and folders reject with WitkError `invalid-argument`
// naming the path; symlinks staying inside still read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as io from '../../../build/npm/image-io/index.js';

const PIXELS = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const SECRET = new Uint8Array(16).fill(0xab);
const posix = process.platform !== 'win32';

const nhdr = (dataFile) => `NRRD0004\ntype: uint8\ndimension: 2\nsizes: 4 4\nencoding: raw\ndata file: ${dataFile}\n`;
const mhd = (dataFile) =>
  'ObjectType = Image\nNDims = 2\nDimSize = 4 4\nElementType = MET_UCHAR\nBinaryData = True\n' +
  `ElementDataFile = ${dataFile}\n`;
const FORMATS = [
  ['.nhdr', nhdr],
  ['.mhd', mhd],
];

/** `root/outside.raw` (a secret) and `root/h/inside.raw` (the pixels); headers go in `root/h`. */
function withFolder(body) {
  return async () => {
    const root = mkdtempSync(join(tmpdir(), 'witk-companions-'));
    const folder = join(root, 'h');
    mkdirSync(folder);
    writeFileSync(join(root, 'outside.raw'), SECRET);
    writeFileSync(join(folder, 'inside.raw'), PIXELS);
    try {
      await body(folder, root);
    } finally {
      io.terminate();
      rmSync(root, { recursive: true, force: true });
    }
  };
}

function write(path, text) {
  writeFileSync(path, text);
  return path;
}

/** Read on a deadline, so a binding that opened a FIFO fails instead of hanging. */
async function read(path, options) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reading ${path} hung (did it open a FIFO?)`)), 60_000);
  });
  try {
    return await Promise.race([io.readImage(path, options), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function refused(path, name, options) {
  await assert.rejects(read(path, options), (e) => {
    assert.ok(e instanceof io.WitkError, `${path}: ${e}`);
    assert.equal(e.code, 'invalid-argument', e.message);
    assert.ok(e.message.includes(`'${name}'`), e.message);
    return true;
  });
}

test(
  'companions inside the folder read (subfolders, .. that comes back, relative header paths)',
  withFolder(async (folder) => {
    mkdirSync(join(folder, 'sub'));
    writeFileSync(join(folder, 'sub', 'deeper.raw'), PIXELS);
    for (const [ext, make] of FORMATS) {
      for (const name of ['inside.raw', 'sub/deeper.raw', 'sub/../inside.raw']) {
        const path = write(join(folder, `ok${ext}`), make(name));
        assert.deepEqual((await read(path)).data, PIXELS, `${ext} ${name}`);
      }
      assert.deepEqual((await read(relative(process.cwd(), join(folder, `ok${ext}`)))).data, PIXELS, `${ext} relative`);
      assert.deepEqual((await read(join(folder, `ok${ext}`), { worker: true })).data, PIXELS, `${ext} in a worker`);
    }
  }),
);

test(
  'data files outside the folder are refused: ../, absolute paths, /dev/zero, /etc/hostname',
  withFolder(async (folder, root) => {
    const names = ['../outside.raw', join(root, 'outside.raw')];
    if (posix) names.push('/dev/zero');
    if (existsSync('/etc/hostname')) names.push('/etc/hostname');
    for (const [ext, make] of FORMATS) {
      for (const name of names) await refused(write(join(folder, `evil${ext}`), make(name)), name);
      await refused(write(join(folder, `evil${ext}`), make('../outside.raw')), '../outside.raw', { worker: true });
    }
  }),
);

test(
  'multi-file lists (LIST, %d patterns) naming outside files never hand over their bytes',
  withFolder(async (folder, root) => {
    writeFileSync(join(root, 'outside0.raw'), SECRET);
    const cases = {
      'list.mhd': `${mhd('LIST 1D')}../outside.raw\n../outside.raw\n`,
      'list2.mhd': `${mhd('LIST')}${join(root, 'outside.raw')}\n`,
      'pattern.mhd': mhd('../outside%d.raw 0 1 1'),
      'list.nhdr': `${nhdr('LIST')}../outside.raw\n`,
      'pattern.nhdr': nhdr('../outside%01d.raw 0 3 1 0'),
    };
    for (const [name, text] of Object.entries(cases)) {
      await assert.rejects(read(write(join(folder, name), text)), (e) => {
        assert.ok(e instanceof io.WitkError, `${name}: ${e}`);
        assert.ok(['invalid-argument', 'unsupported', 'invalid-data'].includes(e.code), e.message);
        return true;
      });
    }
  }),
);

test(
  'symlinks leaving the folder are refused; those staying inside read',
  { skip: !posix },
  withFolder(async (folder, root) => {
    symlinkSync(join(root, 'outside.raw'), join(folder, 'out.raw'));
    symlinkSync('../outside.raw', join(folder, 'out-relative.raw'));
    symlinkSync(root, join(folder, 'up'));
    symlinkSync('inside.raw', join(folder, 'in.raw'));
    symlinkSync(join(folder, 'inside.raw'), join(folder, 'in-absolute.raw'));
    for (const [ext, make] of FORMATS) {
      for (const name of ['out.raw', 'out-relative.raw', 'up/outside.raw']) {
        await refused(write(join(folder, `evil${ext}`), make(name)), name);
      }
      for (const name of ['in.raw', 'in-absolute.raw']) {
        assert.deepEqual((await read(write(join(folder, `ok${ext}`), make(name)))).data, PIXELS, name);
      }
    }
    // The header's folder reached through a symlink: its companions are still inside.
    symlinkSync(folder, join(root, 'alias'));
    assert.deepEqual((await read(join(root, 'alias', 'ok.nhdr'))).data, PIXELS);
  }),
);

test(
  'FIFOs, devices and folders are not companions, even in an allowed folder',
  { skip: !posix },
  withFolder(async (folder) => {
    execFileSync('mkfifo', [join(folder, 'pipe.raw')]);
    mkdirSync(join(folder, 'folder.raw'));
    symlinkSync('/dev/zero', join(folder, 'zero.raw'));
    for (const [ext, make] of FORMATS) {
      for (const name of ['pipe.raw', 'folder.raw', 'zero.raw', '/dev/zero']) {
        await refused(write(join(folder, `evil${ext}`), make(name)), name);
      }
      for (const name of ['pipe.raw', '/dev/zero']) {
        await assert.rejects(
          read(write(join(folder, `evil${ext}`), make(name)), { companionRoots: ['/dev'] }),
          (e) => e instanceof io.WitkError && e.code === 'invalid-argument' && /not a regular file/.test(e.message),
        );
      }
    }
  }),
);

test(
  'a NIfTI .hdr whose .img links outside is refused',
  { skip: !posix },
  withFolder(async (folder, root) => {
    const image = {
      imageType: { dimension: 2, componentType: 'uint8', pixelType: 'Scalar', components: 1 },
      name: 'pair',
      origin: [0, 0],
      spacing: [1, 1],
      direction: new Float64Array([1, 0, 0, 1]),
      size: [4, 4],
      metadata: new Map(),
      data: PIXELS,
    };
    // A .hdr/.img pair from a .nii: its 348-byte header with the pair magic, and its pixels.
    const [nii] = await io.writeImage(image, 'single.nii');
    const view = new DataView(nii.data.buffer, nii.data.byteOffset, nii.data.byteLength);
    const offset = view.getFloat32(108, true);
    const hdr = new Uint8Array(nii.data.slice(0, 348));
    hdr.set(new TextEncoder().encode('ni1\0'), 344);
    writeFileSync(join(folder, 'pair.hdr'), hdr);
    writeFileSync(join(folder, 'pair.img'), nii.data.slice(offset));
    assert.deepEqual((await read(join(folder, 'pair.hdr'))).data, PIXELS);
    writeFileSync(join(folder, 'evil.hdr'), hdr);
    symlinkSync(join(root, 'outside.raw'), join(folder, 'evil.img'));
    await refused(join(folder, 'evil.hdr'), 'evil.img');
  }),
);

test(
  'companionRoots admits other folders; a missing companion stays ENOENT; bad roots are TypeErrors',
  withFolder(async (folder, root) => {
    const evil = write(join(folder, 'shared.nhdr'), nhdr('../outside.raw'));
    await refused(evil, '../outside.raw');
    assert.deepEqual((await read(evil, { companionRoots: [root] })).data, SECRET);
    assert.deepEqual((await read(evil, { companionRoots: [new URL(`file://${root}`)] })).data, SECRET);
    // A root sharing only a prefix with the file's folder does not admit it.
    mkdirSync(join(root, 'h2'));
    writeFileSync(join(root, 'h2', 'x.raw'), SECRET);
    await refused(write(evil, nhdr('../h2/x.raw')), '../h2/x.raw', { companionRoots: [folder] });
    write(evil, nhdr('absent.raw'));
    await assert.rejects(read(evil), (e) => e.code === 'ENOENT' && /shared\.nhdr needs absent\.raw/.test(e.message));
    await assert.rejects(io.readImage(evil, { companionRoots: 'x' }), TypeError);
    // Companions given explicitly are the caller's choice, not the header's.
    const back = await io.readImage(write(evil, nhdr('../outside.raw')), { companions: [join(root, 'outside.raw')] });
    assert.deepEqual(back.data, SECRET);
    assert.deepEqual(readFileSync(join(root, 'outside.raw')), Buffer.from(SECRET));
  }),
);
