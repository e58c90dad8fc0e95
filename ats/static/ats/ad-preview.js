// The ad's preview follows the editor as it is typed in: a second after the last key,
// the form is sent as a "Preview" (which saves nothing) and the preview is replaced by
// the one the server rendered, sanitised as on the careers page. Without this script
// the "Preview" button does the same.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-live-preview]");
  const preview = document.getElementById("ad-preview");
  if (!form || !preview) return;
  let timer = null;
  const refresh = async () => {
    const data = new FormData(form);
    data.set("action", "preview");
    const response = await fetch(window.location.href, { method: "POST", body: data });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const rendered = page.getElementById("ad-preview");
    if (rendered) preview.replaceChildren(...rendered.childNodes);
  };
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 1000);
  });
});
