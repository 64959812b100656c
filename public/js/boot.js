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

// Typed passwords never come back from the server: a form swapped in place (a block added, a
// failed submission) takes them from the inputs it replaces, unless one of the group is now in
// error, when the group is typed anew. Unlike hx-preserve, which keeps the old inputs whole, the
// new inputs keep their own state (aria-invalid, aria-describedby, the invalid style).
let typedBeforeSwap = new Map();
document.addEventListener('htmx:beforeSwap', (event) => {
  typedBeforeSwap = new Map();
  for (const input of event.detail.target?.querySelectorAll('input[data-keep-typed]') ?? [])
    if (input.id) typedBeforeSwap.set(input.id, input.value);
});
document.addEventListener('htmx:afterSwap', () => {
  const inputs = [...typedBeforeSwap.keys()]
    .map((id) => document.getElementById(id))
    .filter((input) => input && input.dataset.keepTyped);
  for (const group of new Set(inputs.map((input) => input.dataset.keepTyped))) {
    const members = inputs.filter((input) => input.dataset.keepTyped === group);
    if (members.some((input) => input.getAttribute('aria-invalid') === 'true')) continue;
    for (const input of members) if (!input.value) input.value = typedBeforeSwap.get(input.id);
  }
  typedBeforeSwap = new Map();
});

// A link of an error summary takes the focus to its field, not only the view: the person types
// the correction at once (a fragment alone scrolls without focusing).
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('.error-summary a') : null;
  const target = link && document.getElementById(link.hash.slice(1));
  if (!target) return;
  const field = target.matches('input, select, textarea, button')
    ? target
    : target.querySelector('input, select, textarea, button');
  if (!field) return;
  event.preventDefault();
  field.focus();
  field.scrollIntoView({ block: 'center' });
});
