// Before a spontaneous application without consent is sent, ask plainly whether to keep
// it (with consent) or have it deleted at once, in the page, so that nothing typed and
// no chosen file is lost. Without this script the server asks the same on a page of its own.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-consent-question]");
  if (!form) return;
  const consent = form.querySelector("input[name=consent]");
  const question = document.getElementById("consent-question");
  form.addEventListener("submit", (event) => {
    const choice = event.submitter && event.submitter.name === "no_consent";
    if (consent.checked || choice) return;
    event.preventDefault();
    question.hidden = false;
    question.querySelector("button").focus();
  });
  question.querySelector("[data-keep]").addEventListener("click", () => {
    consent.checked = true;
  });
});
