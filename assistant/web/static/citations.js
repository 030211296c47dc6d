// Citation chips: a click anywhere on an element with data-pid writes the cited document, paragraph and quote
// (as JSON) into a hidden textbox and presses a hidden button, which opens the side panel. Delegated from the
// document, so it works for chips inside chat messages, which Gradio re-renders on every streamed update.
document.addEventListener('click', (event) => {
  const target = event.target.closest('[data-pid]');
  if (!target) return;
  event.preventDefault();
  const box = document.querySelector('#citation-pid textarea, #citation-pid input');
  const button = document.querySelector('#citation-open');
  if (!box || !button) return;
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(box), 'value').set;
  const {doc, pid, quote} = target.dataset;
  setter.call(box, JSON.stringify({doc, pid, quote}));
  box.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(() => button.click(), 60);
});

// The opened article scrolls to its cited paragraph, once per opening.
new MutationObserver(() => {
  const cited = document.querySelector('#citation-panel .para.cited:not([data-shown])');
  if (!cited) return;
  cited.dataset.shown = '1';
  const body = cited.closest('.article-body');
  if (body) body.scrollTop = cited.offsetTop - body.offsetTop - body.clientHeight / 3;
}).observe(document.documentElement, {childList: true, subtree: true});
