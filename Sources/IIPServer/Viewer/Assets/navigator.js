// The navigator: a small picture of the whole image with the visible area outlined; click or drag on it to
// move there.

export class Navigator {
  constructor(canvas, viewer) {
    Object.assign(this, { canvas, viewer });
    this.picture = null;
    viewer.onChange(() => this.draw());
    const move = (event) => {
      const point = this.imagePoint(event);
      if (point) viewer.centerOn(...point);
    };
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      move(event);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (canvas.hasPointerCapture(event.pointerId)) move(event);
    });
  }

  /** Shows the picture at `url` (the whole image, transformed as the tiles are). */
  show(url) {
    const picture = new Image();
    picture.onload = () => {
      if (this.picture === picture) this.draw();
    };
    picture.src = url;
    this.picture = picture;
  }

  /** Where the picture is drawn in the canvas, and how many canvas pixels an image pixel takes. */
  get frame() {
    const [w, h] = this.viewer.orientation.size;
    const scale = Math.min(this.canvas.width / w, this.canvas.height / h);
    return { scale, x: (this.canvas.width - w * scale) / 2, y: (this.canvas.height - h * scale) / 2, w, h };
  }

  imagePoint(event) {
    if (!this.viewer.source) return null;
    const box = this.canvas.getBoundingClientRect();
    const cx = ((event.clientX - box.left) * this.canvas.width) / box.width;
    const cy = ((event.clientY - box.top) * this.canvas.height) / box.height;
    const { scale, x, y } = this.frame;
    return [(cx - x) / scale, (cy - y) / scale];
  }

  draw() {
    const context = this.canvas.getContext('2d');
    context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.canvas.hidden = !this.viewer.source;
    if (!this.viewer.source) return;
    const { scale, x, y, w, h } = this.frame;
    if (this.picture?.complete && this.picture.naturalWidth > 0) {
      context.drawImage(this.picture, x, y, w * scale, h * scale);
    }
    // The visible area, clipped to the picture.
    const [vx, vy, vw, vh] = this.viewer.visible;
    const left = Math.max(vx, 0);
    const top = Math.max(vy, 0);
    const right = Math.min(vx + vw, w);
    const bottom = Math.min(vy + vh, h);
    context.strokeStyle = '#ff5c5c';
    context.lineWidth = 2;
    context.strokeRect(x + left * scale + 1, y + top * scale + 1, (right - left) * scale - 2, (bottom - top) * scale - 2);
  }
}
