// The transform controls: their values as one object, and a callback when one changes.

/** The transforms when nothing is changed. */
export const identity = {
  contrast: 1, gamma: 1, invert: false, colormap: '', shade: false, azimuth: 315, elevation: 45,
  rotation: 0, mirror: false, quality: 'default', jpegQuality: '',
};

export class Controls {
  constructor(form, onChange) {
    this.form = form;
    form.addEventListener('input', () => this.showValues());
    form.addEventListener('change', () => onChange(this.values()));
    form.addEventListener('reset', () => setTimeout(() => {
      this.showValues();
      onChange(this.values());
    }));
    form.addEventListener('submit', (event) => event.preventDefault());
  }

  showValues() {
    const e = this.form.elements;
    e.contrastValue.value = e.contrast.value;
    e.gammaValue.value = e.gamma.value;
    e.azimuthValue.value = e.azimuth.value;
    e.elevationValue.value = e.elevation.value;
  }

  /** The transforms the controls say. */
  values() {
    const e = this.form.elements;
    return {
      contrast: Number(e.contrast.value), gamma: Number(e.gamma.value), invert: e.invert.checked,
      colormap: e.colormap.value, shade: e.shade.checked, azimuth: Number(e.azimuth.value),
      elevation: Number(e.elevation.value), rotation: Number(e.rotation.value), mirror: e.mirror.checked,
      quality: e.quality.value, jpegQuality: e.jpegQuality.value,
    };
  }
}
