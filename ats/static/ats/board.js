// The board's cards move by their own small form; this lets a card also be dragged to
// another column, or moved with the arrow keys left and right while it has focus. Both
// only fill in that form and send it, so the server does the same whichever is used,
// and the page that comes back gives the focus to the moved card again.
document.addEventListener("DOMContentLoaded", () => {
  const columns = [...document.querySelectorAll(".board-column")];
  if (!columns.length) return;
  const moveCard = (card, stage) => {
    const form = card.querySelector("form.card-move");
    if (!form || form.elements.stage.value === stage) return;
    if (![...form.elements.stage.options].some((option) => option.value === stage)) return;
    form.elements.stage.value = stage;
    sessionStorage.setItem("ats-board-focus", card.dataset.card);
    form.requestSubmit(form.querySelector("button[value=move]"));
  };
  const focused = sessionStorage.getItem("ats-board-focus");
  if (focused) {
    sessionStorage.removeItem("ats-board-focus");
    document.querySelector(`[data-card="${CSS.escape(focused)}"]`)?.focus();
  }
  document.querySelectorAll(".card[draggable=true]").forEach((card) => {
    card.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", card.dataset.card);
      event.dataTransfer.effectAllowed = "move";
    });
    card.addEventListener("keydown", (event) => {
      if (event.target !== card || !["ArrowLeft", "ArrowRight"].includes(event.key)) return;
      const droppable = columns.filter((column) => column.hasAttribute("data-drop"));
      const here = droppable.indexOf(card.closest(".board-column"));
      const next = droppable[here + (event.key === "ArrowRight" ? 1 : -1)];
      if (here < 0 || !next) return;
      event.preventDefault();
      moveCard(card, next.dataset.stage);
    });
  });
  columns
    .filter((column) => column.hasAttribute("data-drop"))
    .forEach((column) => {
      column.addEventListener("dragover", (event) => {
        event.preventDefault();
        column.classList.add("drop-here");
      });
      column.addEventListener("dragleave", () => column.classList.remove("drop-here"));
      column.addEventListener("drop", (event) => {
        event.preventDefault();
        column.classList.remove("drop-here");
        const id = event.dataTransfer.getData("text/plain");
        const card = document.querySelector(`[data-card="${CSS.escape(id)}"]`);
        if (card) moveCard(card, column.dataset.stage);
      });
    });
});
