// The application form offers to fill the name, email and phone from the CV the
// candidate chose. The CV is read here, in the browser (pdf.js for a PDF, fflate for
// the XML inside a DOCX or ODT, both served by this site): nothing leaves the device
// before "Send". What was found is shown first; the form is filled only when the
// candidate says so, and without this script the form works as before.
const offer = document.getElementById("cv-fill-offer");
const cvInput = document.querySelector("input[type=file][name=cv]");

if (offer && cvInput) {
  cvInput.addEventListener("change", () => propose(cvInput.files[0]));
}

async function propose(file) {
  document.getElementById("cv-fill")?.remove();
  if (!file || cvInput.getAttribute("aria-invalid") === "true") return;
  let found;
  try {
    found = detailsIn(await textOf(file));
  } catch {
    return; // a CV this script cannot read is still sent as it is
  }
  const fields = Object.entries(found).filter(([name, value]) => value && field(name));
  if (!fields.length) return;

  const box = offer.content.firstElementChild.cloneNode(true);
  box.id = "cv-fill";
  const list = box.querySelector("ul");
  for (const [name, value] of fields) {
    const item = document.createElement("li");
    item.textContent = `${offer.dataset[name]}: ${value}`;
    list.append(item);
  }
  box.querySelector("[data-fill]").addEventListener("click", () => {
    for (const [name, value] of fields) field(name).value = value;
    box.querySelector("[data-done]").hidden = false;
    box.querySelector("[data-choice]").hidden = true;
    field(fields[0][0]).focus(); // back up to what was filled, to read it over
  });
  box.querySelector("[data-dismiss]").addEventListener("click", () => {
    box.remove();
    cvInput.focus(); // where the candidate was before the offer
  });
  cvInput.after(box); // read next, after the file it came from
}

function field(name) {
  return cvInput.form.elements.namedItem(name);
}

async function textOf(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const name = file.name.toLowerCase();
  if (name.endsWith(".pdf")) return pdfText(bytes);
  const part = name.endsWith(".docx") ? "word/document.xml" : "content.xml";
  const { unzipSync, strFromU8 } = await import(offer.dataset.fflate);
  const xml = strFromU8(unzipSync(bytes, { filter: (entry) => entry.name === part })[part]);
  const parsed = new DOMParser().parseFromString(xml, "application/xml");
  // A paragraph is <w:p> in a DOCX, <text:p> or a heading <text:h> in an ODT.
  const paragraphs = Array.from(parsed.getElementsByTagNameNS("*", "*")).filter(
    (element) => element.localName === "p" || (element.localName === "h" && part === "content.xml"),
  );
  return { title: "", lines: paragraphs.map((paragraph) => paragraph.textContent.trim()) };
}

async function pdfText(bytes) {
  const pdfjs = await import(offer.dataset.pdfjs);
  pdfjs.GlobalWorkerOptions.workerSrc = offer.dataset.pdfjsWorker;
  const loading = pdfjs.getDocument({ data: bytes, isEvalSupported: false, disableFontFace: true });
  const pdf = await loading.promise;
  const lines = [];
  for (let number = 1; number <= Math.min(pdf.numPages, 3); number++) {
    const content = await (await pdf.getPage(number)).getTextContent();
    let line = "";
    for (const item of content.items) {
      line += item.str;
      if (item.hasEOL) {
        lines.push(line.trim());
        line = "";
      }
    }
    lines.push(line.trim());
  }
  const { info } = await pdf.getMetadata();
  await loading.destroy();
  return { title: info?.Title || "", lines };
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+/u;
const PHONE = /(\+\d{2}|\b0)[\d\s-]{6,15}\d/;
// Two to four words, each capitalised, letters and hyphens only: "Astrid Lindqvist".
const NAME = /^\p{Lu}[\p{L}'’-]+(\s+\p{Lu}[\p{L}'’-]+){1,3}$/u;

function detailsIn({ title, lines }) {
  const text = lines.join("\n");
  const fromTitle = title.replace(/^\s*(cv|curriculum vitae)\s*[-–—:]?\s*/i, "").trim();
  const name = [fromTitle, ...lines.slice(0, 8)].find((line) => NAME.test(line)) || "";
  return {
    name,
    email: text.match(EMAIL)?.[0] || "",
    phone: text.match(PHONE)?.[0].trim() || "",
  };
}
