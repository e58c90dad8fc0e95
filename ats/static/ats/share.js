// The ad's "Copy" button: shown only where the script runs and the browser lets a page
// write to the clipboard; without it the link stays in its field, to copy by hand.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("button[data-copy]");
  if (!button || !navigator.clipboard) return;
  const field = document.getElementById(button.dataset.copy);
  const copied = document.querySelector("[data-copied]");
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(field.value);
    copied.hidden = false;
  });
});
