// Compiled by the Node test with `tsc --strict` (tsconfig.json): @witk/image-io's generated
// declarations describe real usage, and misuse does not type-check.
import {
  readImage,
  writeImage,
  imread,
  imwrite,
  nrrdReadImage,
  nrrdWriteImage,
  companionFiles,
  WitkError,
} from '../../../build/npm/image-io/index.js';
import type { BinaryFile, ComponentType, Image, ImageType, PixelType, TypedArray } from '../../../build/npm/image-io/index.js';

export async function usage(file: File): Promise<number> {
  const image: Image = await readImage('data/phantom.nrrd', { informationOnly: false, componentType: 'float32' });
  const type: ImageType = image.imageType;
  const ct: ComponentType = type.componentType;
  const pt: PixelType = type.pixelType;
  const data: TypedArray | null | undefined = image.data;
  const origin: number[] = image.origin;
  const direction: Float64Array = image.direction;
  const modality = image.metadata.get('modality');
  const fromFile: Image = await imread(file, { companions: [file], worker: true });
  const fromBytes = await readImage({ path: 'a.nrrd', data: new Uint8Array(4) }, { pixelType: null });
  const files: BinaryFile[] = await writeImage(image, 'out.nhdr', { useCompression: true, writeFiles: true });
  const again: BinaryFile[] = await imwrite(fromFile, 'out.mha', { worker: true, transfer: true });
  const { couldRead, image: maybe } = await nrrdReadImage(files[0], { companions: files.slice(1) });
  const written: { couldWrite: boolean; serializedImage: BinaryFile[] } = await nrrdWriteImage(fromBytes, 'x.nrrd');
  const names: string[] = await companionFiles(new URL('file:///tmp/a.nhdr'));
  const built: Image = {
    imageType: { dimension: 2, componentType: 'uint16', pixelType: 'Scalar', components: 1 },
    name: 'built',
    origin: [0, 0],
    spacing: [1, 1],
    direction: new Float64Array([1, 0, 0, 1]),
    size: [2, 2],
    metadata: new Map([['modality', 'CT']]),
    data: new Uint16Array(4),
  };
  try {
    await writeImage(built, 'x.nrrd');
  } catch (e) {
    if (e instanceof WitkError) return e.code.length;
  }
  // @ts-expect-error pixel types use ITK-Wasm's spellings
  await readImage(file, { pixelType: 'scalarish' });
  // @ts-expect-error informationOnly is a boolean
  await readImage(file, { informationOnly: 'yes' });
  // @ts-expect-error the output file name is required
  await writeImage(built);
  // @ts-expect-error images need a size
  await writeImage({ ...built, size: undefined }, 'x.nrrd');
  return (
    ct.length + pt.length + (data?.length ?? 0) + origin.length + direction.length + String(modality).length +
    again.length + Number(couldRead) + (maybe?.size.length ?? 0) + Number(written.couldWrite) + names.length
  );
}
