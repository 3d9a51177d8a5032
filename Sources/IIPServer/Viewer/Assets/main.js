// Wires the page together: the list opens images in the viewer (the address's #image=... names the one shown),
// the controls change the tiles, the navigator follows the view, and the metadata follows the image.

import { Controls, identity } from './controls.js';
import { exportRegion } from './export.js';
import { ImageList } from './list.js';
import { showMetadata } from './metadata.js';
import { Navigator } from './navigator.js';
import { TileSource } from './tiles.js';
import { Viewer } from './viewer.js';

const $ = (id) => document.getElementById(id);
const viewer = new Viewer($('stage'), $('layer'), $('stage-message'));
const overview = new Navigator($('navigator'), viewer);
let transforms = identity;

async function open(identifier) {
  list.highlight(identifier);
  history.replaceState(null, '', `#image=${encodeURIComponent(identifier)}`);
  try {
    const source = await TileSource.load(identifier);
    viewer.open(source, transforms);
    overview.show(source.thumbnail(transforms));
    await showMetadata($('metadata'), source);
  } catch (error) {
    viewer.close(`${identifier} cannot be opened (${error.message}).`);
  }
}

const list = new ImageList(
  { status: $('list-status'), items: $('image-list'), pager: $('pager'), label: $('page-label'),
    previous: $('page-previous'), next: $('page-next') },
  open);

new Controls($('controls'), (values) => {
  transforms = values;
  viewer.setTransforms(values);
  if (viewer.source) overview.show(viewer.source.thumbnail(values));
});

$('open-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const path = $('open-path').value.trim();
  if (path) open(path);
});
$('zoom-in').addEventListener('click', () => viewer.zoomAt(1.5));
$('zoom-out').addEventListener('click', () => viewer.zoomAt(1 / 1.5));
$('zoom-fit').addEventListener('click', () => viewer.fit());
$('full-screen').addEventListener('click', () => viewer.toggleFullScreen());
$('export').addEventListener('click', () => exportRegion(viewer).catch((error) => {
  $('stage-message').textContent = error.message;
}));

// The image named in the address, else the first one listed.
const named = new URLSearchParams(location.hash.slice(1)).get('image');
list.load(1).then((images) => {
  if (named) open(named);
  else if (images.length > 0) open(images[0]);
  else viewer.close('Choose an image.');
});
