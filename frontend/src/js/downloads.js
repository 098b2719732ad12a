// Saves a file the page fetched (an export) through a blob URL and an <a download>: nothing leaves the page's
// origin, and the browser's own download handling takes over.

export function saveFile(doc, { blob, filename }, { url = doc.defaultView.URL, timers = doc.defaultView } = {}) {
  const href = url.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = href;
  link.download = filename;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // Revoked a little later: some browsers still read the blob after the click has returned.
  timers.setTimeout(() => url.revokeObjectURL(href), 10_000);
}
