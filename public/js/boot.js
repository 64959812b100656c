// Loaded before the bootstrap-italia bundle: its video player would otherwise inject an inline
// <style>, which the Content Security Policy refuses.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;

// An out-of-band swap never replaces the field being typed in: its value and caret stay (the
// online form sends the fields a change affects along with the one that changed). A button, such
// as «Aggiungi riga» sending its successor out of band, is replaced as usual.
document.addEventListener('htmx:oobBeforeSwap', (event) => {
  const active = document.activeElement;
  const typing = active && ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName);
  if (typing && event.detail.target.contains(active)) event.detail.shouldSwap = false;
});
