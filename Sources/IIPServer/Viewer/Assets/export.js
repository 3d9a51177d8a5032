// Region export: the visible part of the image as a JPEG from IIP CVT, with the transforms, downloaded.

import { iipParameters, iipURL } from './tiles.js';

/** The IIP parameters that export what `viewer` shows. */
export function exportParameters(viewer) {
  const { width, height } = viewer.source;
  let [x, y, w, h] = viewer.orientation.inverse(viewer.visible);
  const left = Math.max(0, x);
  const top = Math.max(0, y);
  w = Math.min(width, x + w) - left;
  h = Math.min(height, y + h) - top;
  const t = viewer.transforms;
  const fraction = (value) => Number(value.toFixed(6));
  const parameters = [
    `RGN=${fraction(left / width)},${fraction(top / height)},${fraction(w / width)},${fraction(h / height)}`,
    `WID=${Math.max(1, Math.min(4000, Math.round(w * viewer.scale)))}`,
    ...iipParameters(t),
  ];
  if (t.rotation !== 0 || t.mirror) parameters.push(`ROT=${t.mirror ? '!' : ''}${t.rotation}`);
  return [...parameters, 'CVT=jpeg'];
}

/** Fetches the export and hands it to the browser as a download. */
export async function exportRegion(viewer) {
  if (!viewer.source) return;
  const response = await fetch(iipURL(viewer.source.identifier, exportParameters(viewer)));
  if (!response.ok) throw new Error(`export: ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  const name = viewer.source.identifier.split('/').pop().replace(/\.[^.]*$/, '');
  link.href = url;
  link.download = `${name}-region.jpg`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
