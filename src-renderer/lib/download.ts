/**
 * Hand an exported file to the browser as a download (the bridge UI: the file is also kept in the
 * workspace, whose path the screen shows). Under Electron the file is opened from the workspace instead.
 */

/** Save `file` through the browser's download mechanism; returns the file name. */
export function downloadFile(file: { name: string; mime: string; base64: string }): string {
  const bin = atob(file.base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The browser reads the blob when the download starts; a minute later it has its own copy.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return file.name;
}
