// The image list: pages of `images.json` (files under FILESYSTEM_PREFIX the server can open).

export class ImageList {
  constructor(elements, onOpen) {
    Object.assign(this, elements);
    this.onOpen = onOpen;
    this.page = 1;
    this.current = null;
    this.previous.addEventListener('click', () => this.load(this.page - 1));
    this.next.addEventListener('click', () => this.load(this.page + 1));
  }

  /** Loads and shows page `page`; returns its identifiers. */
  async load(page) {
    const response = await fetch(`images.json?page=${page}`);
    if (!response.ok) {
      this.status.textContent = `The image list could not be read (${response.status}).`;
      return [];
    }
    const list = await response.json();
    this.page = list.page;
    this.status.textContent = list.problem
      || (list.total === 0 ? 'No images found under FILESYSTEM_PREFIX.' : '')
      || (list.truncated ? `Showing the first ${list.total} images found (the listing stopped at VIEWER_MAX_ENTRIES).` : '');
    this.items.replaceChildren(...list.images.map((identifier) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = identifier;
      button.dataset.identifier = identifier;
      button.addEventListener('click', () => this.onOpen(identifier));
      item.append(button);
      return item;
    }));
    this.pager.hidden = list.pages <= 1;
    this.label.textContent = `${list.page} / ${list.pages}`;
    this.previous.disabled = list.page <= 1;
    this.next.disabled = list.page >= list.pages;
    this.highlight(this.current);
    return list.images;
  }

  /** Marks `identifier` as the one shown. */
  highlight(identifier) {
    this.current = identifier;
    for (const button of this.items.querySelectorAll('button')) {
      button.setAttribute('aria-current', String(button.dataset.identifier === identifier));
    }
  }
}
