// Copying the script on a phone. `navigator.clipboard` exists only in a secure context (HTTPS or
// localhost); a leader opening the console at http://<LAN address> has none, so the fallback
// selects the text in a hidden textarea and uses the older `execCommand('copy')`, which mobile
// Safari and Chrome still honour inside a tap.

export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused or not focused: try the fallback below.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  // Off-screen but not display:none (hidden elements cannot be selected); 16px stops iOS zooming.
  area.style.cssText = 'position:fixed;top:0;left:-9999px;opacity:0;font-size:16px';
  document.body.appendChild(area);
  area.focus();
  area.select();
  area.setSelectionRange(0, text.length);
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
