// Loaded before the bootstrap-italia bundle: its video player would otherwise inject an inline
// <style>, which the Content Security Policy refuses.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;

// An out-of-band swap never replaces the field being typed in: its value and caret stay (the
// online form sends the fields a change affects along with the one that changed).
document.addEventListener('htmx:oobBeforeSwap', (event) => {
  if (event.detail.target.contains(document.activeElement)) event.detail.shouldSwap = false;
});
