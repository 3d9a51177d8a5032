// The deep-zoom stage: a layer of tile images placed in full-resolution coordinates of the (rotated) image and
// scaled by one CSS transform. Pan by dragging, zoom with the wheel, a pinch, double-click, the buttons or the
// keyboard (+ - arrows 0 f). The tiles shown are the whole of a small backdrop level plus the visible tiles of
// the level that matches the zoom.

/** Rectangles `[x, y, w, h]` between the image's own coordinates and those after mirroring and rotation. */
export class Orientation {
  constructor(width, height, rotation, mirror) {
    Object.assign(this, { width, height, rotation, mirror });
  }

  /** The image's size once rotated. */
  get size() {
    return this.rotation % 180 ? [this.height, this.width] : [this.width, this.height];
  }

  /** A rectangle of the image, where it lands after mirroring then rotating clockwise. */
  forward([x, y, w, h]) {
    const { width: W, height: H } = this;
    if (this.mirror) x = W - x - w;
    switch (this.rotation) {
      case 90: return [H - y - h, x, h, w];
      case 180: return [W - x - w, H - y - h, w, h];
      case 270: return [y, W - x - w, h, w];
      default: return [x, y, w, h];
    }
  }

  /** A rectangle of the rotated image, in the image's own coordinates. */
  inverse([X, Y, w, h]) {
    const { width: W, height: H } = this;
    let r;
    switch (this.rotation) {
      case 90: r = [Y, H - X - w, h, w]; break;
      case 180: r = [W - X - w, H - Y - h, w, h]; break;
      case 270: r = [W - Y - h, X, h, w]; break;
      default: r = [X, Y, w, h];
    }
    if (this.mirror) r[0] = W - r[0] - r[2];
    return r;
  }
}

export class Viewer {
  constructor(stage, layer, message) {
    Object.assign(this, { stage, layer, message });
    this.source = null;
    this.tiles = new Map();
    this.listeners = [];
    this.pointers = new Map();
    this.scale = 1;
    this.center = [0, 0];
    this.attachEvents();
    new ResizeObserver(() => this.render()).observe(stage);
  }

  /** Shows `source` with the transforms `t`, fitted to the stage. */
  open(source, t) {
    this.source = source;
    this.message.textContent = '';
    this.setTransforms(t);
  }

  /** Shows `message` instead of an image. */
  close(message) {
    this.source = null;
    this.clear();
    this.message.textContent = message;
    this.notify();
  }

  /** Changes the transforms: every tile is requested again; a new rotation fits the image again. */
  setTransforms(t) {
    const turned = !this.transforms || t.rotation !== this.transforms.rotation || t.mirror !== this.transforms.mirror;
    this.transforms = t;
    this.clear();
    if (!this.source) return;
    this.orientation = new Orientation(this.source.width, this.source.height, t.rotation, t.mirror);
    if (turned || !this.fitScale) this.fit();
    else this.render();
  }

  /** Calls `listener` after every change of the view. */
  onChange(listener) {
    this.listeners.push(listener);
  }

  notify() {
    for (const listener of this.listeners) listener(this);
  }

  clear() {
    for (const image of this.tiles.values()) image.remove();
    this.tiles.clear();
  }

  get stageSize() {
    return [this.stage.clientWidth || 1, this.stage.clientHeight || 1];
  }

  /** The visible rectangle, in rotated image coordinates. */
  get visible() {
    const [sw, sh] = this.stageSize;
    return [this.center[0] - sw / 2 / this.scale, this.center[1] - sh / 2 / this.scale, sw / this.scale, sh / this.scale];
  }

  /** Fits the whole image in the stage. */
  fit() {
    if (!this.source) return;
    const [sw, sh] = this.stageSize;
    const [w, h] = this.orientation.size;
    this.fitScale = Math.min(sw / w, sh / h) * 0.95;
    this.scale = this.fitScale;
    this.center = [w / 2, h / 2];
    this.render();
  }

  /** Zooms by `factor` keeping the point at stage pixel (x, y) still; the stage centre by default. */
  zoomAt(factor, x, y) {
    if (!this.source) return;
    const [sw, sh] = this.stageSize;
    x ??= sw / 2;
    y ??= sh / 2;
    const scale = Math.min(Math.max(this.scale * factor, this.fitScale / 4), 4);
    const px = this.center[0] + (x - sw / 2) / this.scale;
    const py = this.center[1] + (y - sh / 2) / this.scale;
    this.scale = scale;
    this.center = [px - (x - sw / 2) / scale, py - (y - sh / 2) / scale];
    this.render();
  }

  /** Moves the image by (dx, dy) stage pixels. */
  panBy(dx, dy) {
    if (!this.source) return;
    this.center = [this.center[0] - dx / this.scale, this.center[1] - dy / this.scale];
    this.render();
  }

  /** Centres the view on a point of the rotated image. */
  centerOn(x, y) {
    this.center = [x, y];
    this.render();
  }

  /** The level to show: the smallest at least as detailed as the screen's pixels. */
  get level() {
    const levels = this.source.levels;
    const wanted = this.scale * (window.devicePixelRatio || 1);
    return levels.find((level) => level.scale >= wanted * 0.999) || levels[levels.length - 1];
  }

  /** The level always shown whole beneath: the largest one of at most four tiles. */
  get backdrop() {
    const levels = this.source.levels;
    return [...levels].reverse().find((level) => level.columns * level.rows <= 4) || levels[0];
  }

  render() {
    if (!this.source) return;
    const [w, h] = this.orientation.size;
    this.center = [Math.min(Math.max(this.center[0], 0), w), Math.min(Math.max(this.center[1], 0), h)];
    const [sw, sh] = this.stageSize;
    const tx = sw / 2 - this.center[0] * this.scale;
    const ty = sh / 2 - this.center[1] * this.scale;
    this.layer.style.transform = `translate(${tx}px, ${ty}px) scale(${this.scale})`;
    // Tiles overlap by one screen pixel, so no seam shows between them at fractional positions.
    this.layer.style.setProperty('--overlap', `${1 / this.scale}px`);
    const wanted = new Set();
    const backdrop = this.backdrop;
    this.addTiles(backdrop, [0, 0, this.source.width, this.source.height], wanted);
    const level = this.level;
    if (level !== backdrop) this.addTiles(level, this.orientation.inverse(this.visible), wanted);
    for (const [key, image] of this.tiles) {
      if (!wanted.has(key)) {
        image.remove();
        this.tiles.delete(key);
      }
    }
    this.notify();
  }

  /** Adds the tiles of `level` that meet `area` (image coordinates), and records their keys in `wanted`. */
  addTiles(level, [ax, ay, aw, ah], wanted) {
    const sx = this.source.width / level.width;
    const sy = this.source.height / level.height;
    const tw = this.source.tileWidth * sx;
    const th = this.source.tileHeight * sy;
    const firstColumn = Math.max(0, Math.floor(ax / tw));
    const lastColumn = Math.min(level.columns - 1, Math.floor((ax + aw) / tw));
    const firstRow = Math.max(0, Math.floor(ay / th));
    const lastRow = Math.min(level.rows - 1, Math.floor((ay + ah) / th));
    for (let row = firstRow; row <= lastRow; row++) {
      for (let column = firstColumn; column <= lastColumn; column++) {
        const key = `${level.index}/${column}/${row}`;
        wanted.add(key);
        if (!this.tiles.has(key)) this.addTile(key, level, column, row);
      }
    }
  }

  addTile(key, level, column, row) {
    const tile = this.source.tile(level, column, row, this.transforms);
    if (!tile) return;
    const image = new Image();
    image.className = 'tile';
    image.alt = '';
    image.dataset.level = level.index;
    image.style.zIndex = level.index;
    const [x, y, w, h] = this.orientation.forward(tile.region);
    if (tile.rotatedByServer) {
      Object.assign(image.style, {
        left: `${x}px`, top: `${y}px`, width: `calc(${w}px + var(--overlap))`, height: `calc(${h}px + var(--overlap))`,
      });
    } else {
      const [, , ow, oh] = tile.region;
      const { rotation, mirror } = this.orientation;
      Object.assign(image.style, {
        left: `${x + w / 2 - ow / 2}px`, top: `${y + h / 2 - oh / 2}px`,
        width: `calc(${ow}px + var(--overlap))`, height: `calc(${oh}px + var(--overlap))`,
        transform: `rotate(${rotation}deg)${mirror ? ' scaleX(-1)' : ''}`,
      });
    }
    image.src = tile.url;
    this.layer.append(image);
    this.tiles.set(key, image);
  }

  toggleFullScreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else this.stage.requestFullscreen?.();
  }

  stagePoint(event) {
    const box = this.stage.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  attachEvents() {
    const stage = this.stage;
    stage.addEventListener('wheel', (event) => {
      event.preventDefault();
      const [x, y] = this.stagePoint(event);
      this.zoomAt(Math.exp(-event.deltaY * 0.002), x, y);
    }, { passive: false });
    stage.addEventListener('dblclick', (event) => {
      if (event.target.closest('#toolbar, #navigator')) return;
      const [x, y] = this.stagePoint(event);
      this.zoomAt(event.shiftKey ? 0.5 : 2, x, y);
    });
    stage.addEventListener('pointerdown', (event) => {
      if (event.target.closest('#toolbar, #navigator')) return;
      stage.setPointerCapture(event.pointerId);
      this.pointers.set(event.pointerId, this.stagePoint(event));
      stage.classList.add('dragging');
      stage.focus();
    });
    stage.addEventListener('pointermove', (event) => {
      const previous = this.pointers.get(event.pointerId);
      if (!previous) return;
      const point = this.stagePoint(event);
      if (this.pointers.size === 1) {
        this.pointers.set(event.pointerId, point);
        this.panBy(point[0] - previous[0], point[1] - previous[1]);
        return;
      }
      // A pinch: zoom by the change of distance between two pointers, about their midpoint.
      const other = [...this.pointers].find(([id]) => id !== event.pointerId)[1];
      const before = Math.hypot(previous[0] - other[0], previous[1] - other[1]);
      const after = Math.hypot(point[0] - other[0], point[1] - other[1]);
      this.pointers.set(event.pointerId, point);
      if (before > 0) this.zoomAt(after / before, (point[0] + other[0]) / 2, (point[1] + other[1]) / 2);
    });
    const release = (event) => {
      this.pointers.delete(event.pointerId);
      if (this.pointers.size === 0) stage.classList.remove('dragging');
    };
    stage.addEventListener('pointerup', release);
    stage.addEventListener('pointercancel', release);
    document.addEventListener('keydown', (event) => {
      if (event.target.closest?.('input, select, textarea') || event.ctrlKey || event.metaKey || event.altKey) return;
      const step = 80;
      const actions = {
        '+': () => this.zoomAt(1.5), '=': () => this.zoomAt(1.5), '-': () => this.zoomAt(1 / 1.5),
        ArrowLeft: () => this.panBy(step, 0), ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step), ArrowDown: () => this.panBy(0, -step),
        0: () => this.fit(), f: () => this.toggleFullScreen(),
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    });
  }
}
