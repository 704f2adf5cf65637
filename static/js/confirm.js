// Ask before an action that is hard to undo: forms marked data-confirm="question".
// Without JavaScript the forms submit directly; nothing depends on this file.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
