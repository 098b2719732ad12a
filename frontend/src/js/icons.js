// The page's few icons, as inline SVG built with DOM calls (no markup strings, nothing the CSP has to allow).

const PATHS = {
  mark: 'M12 2.5 3.5 7.2v9.6L12 21.5l8.5-4.7V7.2L12 2.5Zm0 2.3 6.4 3.5L12 11.8 5.6 8.3 12 4.8Zm-6.5 5.2 5.5 3v6.2l-5.5-3V10Zm7.5 9.2V13l5.5-3v6.2l-5.5 3Z',
  copy: 'M8 3h10a2 2 0 0 1 2 2v12h-2V5H8V3Zm-3 4h9a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2Zm0 2v10h9V9H5Z',
  retry: 'M12 5a7 7 0 1 0 6.7 9h-2.1A5 5 0 1 1 12 7c1.4 0 2.6.6 3.5 1.5L13 11h6V5l-2.1 2.1A7 7 0 0 0 12 5Z',
  alert: 'M12 3 1.5 21h21L12 3Zm0 4.2L19.1 19H4.9L12 7.2ZM11 10v5h2v-5h-2Zm0 6v2h2v-2h-2Z',
  trash: 'M9 3h6l1 2h4v2H4V5h4l1-2Zm-3 6h12l-1 11a2 2 0 0 1-2 2H9a2 2 0 0 1-2-2L6 9Zm4 2v8h1.5v-8H10Zm2.5 0v8H14v-8h-1.5Z',
  more: 'M6 10.2a1.8 1.8 0 1 1 0 3.6 1.8 1.8 0 0 1 0-3.6Zm6 0a1.8 1.8 0 1 1 0 3.6 1.8 1.8 0 0 1 0-3.6Zm6 0a1.8 1.8 0 1 1 0 3.6 1.8 1.8 0 0 1 0-3.6Z',
  pencil: 'M15.6 3.6a2 2 0 0 1 2.8 0l2 2a2 2 0 0 1 0 2.8L9 19.8 3.5 21l1.2-5.5L15.6 3.6Zm1.4 1.4-1.6 1.6 2 2L19 7l-2-2Zm-3 3L6.5 15.5l-.6 2.6 2.6-.6L16 10l-2-2Z',
  download: 'M11 3h2v9.2l3.6-3.6 1.4 1.4-6 6-6-6 1.4-1.4 3.6 3.6V3ZM4 18h16v2H4v-2Z',
};

/** A decorative icon (hidden from screen readers: the control around it carries the label). */
export function icon(doc, name) {
  const svg = doc.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = doc.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', PATHS[name]);
  svg.append(path);
  return svg;
}
