// Where tiles come from: an image's levels (from IIIF info.json and IIP OBJ=Resolutions) and the URL of each
// tile. IIIF tile requests are used while the transforms are ones IIIF can express (rotation, mirroring, grey and
// bitonal quality); any other transform switches to IIP JTL requests with CNT, GAM, INV, CMP, SHD, COL and QLT.

const iiifBase = new URL('../iiif/', document.baseURI);
const iipBase = new URL('../fcgi-bin/iipsrv.fcgi', document.baseURI);

/** The IIP parameters of the transforms other than rotation, as `NAME=value` strings. */
export function iipParameters(t) {
  const parameters = [];
  if (t.contrast !== 1) parameters.push(`CNT=${t.contrast}`);
  if (t.gamma !== 1) parameters.push(`GAM=${t.gamma}`);
  if (t.shade) parameters.push(`SHD=${t.azimuth},${t.elevation}`);
  if (t.invert) parameters.push('INV=1');
  if (t.colormap) parameters.push(`CMP=${t.colormap}`);
  if (t.quality === 'gray') parameters.push('COL=grey');
  if (t.quality === 'bitonal') parameters.push('COL=binary');
  if (t.jpegQuality) parameters.push(`QLT=${t.jpegQuality}`);
  return parameters;
}

/** Whether the transforms need IIP requests: anything IIIF's rotation and quality cannot say. */
export function needsIIP(t) {
  return t.contrast !== 1 || t.gamma !== 1 || t.shade || t.invert || t.colormap !== '' || t.jpegQuality !== '';
}

/** The IIP URL for `identifier` with the given extra parameters. */
export function iipURL(identifier, parameters) {
  return `${iipBase}?${[`FIF=${encodeURIComponent(identifier)}`, ...parameters].join('&')}`;
}

/** The IIIF rotation path segment: `!` for mirroring, then the angle. */
function iiifRotation(t) {
  return `${t.mirror ? '!' : ''}${t.rotation}`;
}

/** An image's levels and tile URLs. */
export class TileSource {
  constructor(identifier, info, resolutions) {
    this.identifier = identifier;
    this.info = info;
    this.width = info.width;
    this.height = info.height;
    const tiles = (info.tiles && info.tiles[0]) || { width: 256, scaleFactors: [1] };
    this.tileWidth = tiles.width;
    this.tileHeight = tiles.height || tiles.width;
    const factors = [...tiles.scaleFactors].sort((a, b) => b - a);
    // Smallest level first, as IIP numbers them; OBJ=Resolutions gives the exact sizes when it lists them all.
    this.levels = factors.map((factor, index) => {
      const exact = resolutions.length === factors.length ? resolutions[index] : null;
      const width = exact ? exact[0] : Math.ceil(this.width / factor);
      const height = exact ? exact[1] : Math.ceil(this.height / factor);
      return {
        index, factor, width, height, scale: width / this.width,
        columns: Math.ceil(width / this.tileWidth), rows: Math.ceil(height / this.tileHeight),
      };
    });
  }

  /** Loads info.json and OBJ=Resolutions for `identifier`. */
  static async load(identifier) {
    const infoResponse = await fetch(`${iiifBase}${encodeURIComponent(identifier)}/info.json`);
    if (!infoResponse.ok) throw new Error(`info.json: ${infoResponse.status}`);
    const info = await infoResponse.json();
    const objResponse = await fetch(iipURL(identifier, ['OBJ=Resolutions']));
    const text = objResponse.ok ? await objResponse.text() : '';
    const line = text.split(/\r?\n/).find((l) => l.startsWith('Resolutions:'));
    const resolutions = line ? line.slice(12).split(',').map((pair) => pair.trim().split(/\s+/).map(Number)) : [];
    return new TileSource(identifier, info, resolutions);
  }

  /** The full-resolution rectangle `[x, y, w, h]` of tile (column, row) of a level. */
  region(level, column, row) {
    const sx = this.width / level.width;
    const sy = this.height / level.height;
    const x = column * this.tileWidth;
    const y = row * this.tileHeight;
    const w = Math.min(this.tileWidth, level.width - x);
    const h = Math.min(this.tileHeight, level.height - y);
    return [x * sx, y * sy, w * sx, h * sy];
  }

  /**
   * A tile: its URL, the full-resolution rectangle it covers, and whether its pixels arrive rotated (IIIF) or
   * not (IIP, rotated by the page).
   */
  tile(level, column, row, t) {
    if (needsIIP(t)) {
      const index = row * level.columns + column;
      const url = iipURL(this.identifier, [...iipParameters(t), `JTL=${level.index},${index}`]);
      return { url, region: this.region(level, column, row), rotatedByServer: false };
    }
    const x = column * this.tileWidth * level.factor;
    const y = row * this.tileHeight * level.factor;
    const w = Math.min(this.tileWidth * level.factor, this.width - x);
    const h = Math.min(this.tileHeight * level.factor, this.height - y);
    if (w <= 0 || h <= 0) return null;
    const size = Math.ceil(w / level.factor);
    const path = `${x},${y},${w},${h}/${size},/${iiifRotation(t)}/${t.quality}.jpg`;
    const url = `${iiifBase}${encodeURIComponent(this.identifier)}/${path}`;
    return { url, region: [x, y, w, h], rotatedByServer: true };
  }

  /** A small picture of the whole image with the transforms, for the navigator. */
  thumbnail(t) {
    if (needsIIP(t)) {
      const rotation = t.rotation !== 0 || t.mirror ? [`ROT=${iiifRotation(t)}`] : [];
      return iipURL(this.identifier, [...iipParameters(t), ...rotation, 'WID=200', 'HEI=200', 'CVT=jpeg']);
    }
    return `${iiifBase}${encodeURIComponent(this.identifier)}/full/!200,200/${iiifRotation(t)}/${t.quality}.jpg`;
  }
}
