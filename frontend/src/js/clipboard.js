// Copies text, with the older selection-based path when the async Clipboard API is unavailable or refused.

export async function copyText(text, doc = document) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const focused = doc.activeElement;
    const area = doc.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    area.style.inset = '0 auto auto 0';
    doc.body.append(area);
    area.select();
    let copied = false;
    try {
      copied = doc.execCommand('copy');
    } catch {
      copied = false;
    }
    area.remove();
    if (focused && typeof focused.focus === 'function') focused.focus();
    return copied;
  }
}
