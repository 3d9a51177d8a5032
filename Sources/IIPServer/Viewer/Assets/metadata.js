// The image's metadata: from IIIF info.json, and from IIP OBJ (bits, colour space, sample range).

import { iipURL } from './tiles.js';

const colourSpaces = { 0: 'none', 1: 'grey', 2: 'grey', 3: 'sRGB', 4: 'CIELAB' };

/** Reads IIP OBJ lines (`Name:value`) into an object keyed by lower-case name. */
async function objects(identifier, names) {
  const response = await fetch(iipURL(identifier, names.map((name) => `OBJ=${name}`)));
  if (!response.ok) return {};
  const values = {};
  for (const line of (await response.text()).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) values[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return values;
}

/** Fills the `<dl>` with what is known about the image of `source`. */
export async function showMetadata(list, source) {
  const info = source.info;
  const obj = await objects(source.identifier, [
    'Max-size', 'Resolution-number', 'Bits-per-channel', 'Colorspace', 'Min-Max-sample-values',
  ]);
  const colour = Object.entries(obj).find(([name]) => name.startsWith('colorspace'));
  const fields = colour ? colour[1].split(/\s+/) : [];
  const rights = info.rights || info.license || (info.attribution && JSON.stringify(info.attribution));
  const rows = [
    ['Image', source.identifier],
    ['Size', `${info.width} × ${info.height} px`],
    ['Levels', obj['resolution-number'] || String(source.levels.length)],
    ['Tiles', `${source.tileWidth} × ${source.tileHeight}`],
    ['Bits', obj['bits-per-channel']],
    ['Colour', fields.length >= 4 ? `${colourSpaces[fields[2]] || fields[2]}, ${fields[3]} channel(s)` : undefined],
    ['Range', obj['min-max-sample-values']?.replace(/\s+/g, ' ')],
    ['Rights', rights],
    ['IIIF', info['@context'] ? String(info['@context']).replace(/.*\/image\/(\d).*/, '$1') : undefined],
    ['Formats', ['jpg', ...(info.extraFormats || info.formats || [])].join(', ')],
    ['Qualities', ['default', ...(info.extraQualities || [])].join(', ')],
  ];
  list.replaceChildren();
  for (const [name, value] of rows) {
    if (value === undefined || value === '') continue;
    const term = document.createElement('dt');
    term.textContent = name;
    const description = document.createElement('dd');
    description.textContent = value;
    list.append(term, description);
  }
}
