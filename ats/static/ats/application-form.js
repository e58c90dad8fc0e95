// The application and correction forms, made kinder where a script runs (the forms
// work without it, and the server checks everything again):
// - a CV is checked as soon as it is chosen, against the size and the types the server
//   accepts (the input's data-max-bytes and accept attributes), so that a file too large
//   is not sent only to be refused after the upload;
// - switching the language reloads the page, which empties the form: asked first when
//   something has been typed or chosen. Nothing typed is stored anywhere to carry it over.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
    input.addEventListener("change", () => checkChosenFile(input));
  }
  const form = document.querySelector("form[data-unsaved-warning]");
  const languageSwitch = document.querySelector("form.language");
  if (!form || !languageSwitch) return;
  languageSwitch.addEventListener("submit", (event) => {
    if (hasInput(form) && !window.confirm(form.dataset.unsavedWarning)) {
      event.preventDefault();
    }
  });
});

function checkChosenFile(input) {
  const errorId = `${input.id}_chosen_error`;
  document.getElementById(errorId)?.remove();
  const described = (input.getAttribute("aria-describedby") || "").split(" ");
  const others = described.filter((id) => id && id !== errorId);
  const file = input.files[0];
  let problem = "";
  if (file) {
    const types = input.accept.split(",").map((type) => type.trim().toLowerCase());
    if (!types.some((extension) => file.name.toLowerCase().endsWith(extension))) {
      problem = input.dataset.wrongType;
    } else if (file.size > Number(input.dataset.maxBytes)) {
      problem = input.dataset.tooLarge;
    }
  }
  input.setAttribute("aria-describedby", (problem ? [...others, errorId] : others).join(" "));
  if (!problem) {
    input.removeAttribute("aria-invalid");
    return;
  }
  input.value = ""; // not sent: the server would only refuse it, after the whole upload
  input.setAttribute("aria-invalid", "true");
  const error = document.createElement("ul");
  error.className = "errorlist";
  error.id = errorId;
  error.setAttribute("role", "alert");
  const item = document.createElement("li");
  item.textContent = problem;
  error.append(item);
  input.before(error);
}

function hasInput(form) {
  return Array.from(form.elements).some((field) => {
    if (field.type === "file") return field.files.length > 0;
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.type === "hidden" || field.type === "submit" || field.tagName === "BUTTON") {
      return false;
    }
    return "defaultValue" in field && field.value !== field.defaultValue;
  });
}
