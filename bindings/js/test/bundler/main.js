// A web developer's page: the package imported by name and bundled by Vite.
import { compressStringify, parseStringDecompress, WitkError } from '@witk/compress-stringify';

window.run = async () => {
  const url = await compressStringify(new Uint8Array([33, 44, 55]), { stringify: true });
  const viaWorker = await compressStringify(new Uint8Array([33, 44, 55]), { stringify: true, worker: true });
  const back = await parseStringDecompress(viaWorker, { parseString: true, worker: true });
  let code = null;
  try {
    await parseStringDecompress(new Uint8Array([1, 2, 3, 4]));
  } catch (e) {
    code = e instanceof WitkError ? e.code : String(e);
  }
  return { url: new TextDecoder().decode(url), worker: new TextDecoder().decode(viaWorker), back: [...back], code };
};
window.ready = true;
