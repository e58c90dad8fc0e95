// The careers site's video: its link becomes the player only when pressed, so that
// nothing is loaded from YouTube or Vimeo before the visitor chooses it.
document.querySelectorAll("a[data-embed]").forEach((link) => {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const player = document.createElement("iframe");
    player.src = link.dataset.embed;
    player.title = link.dataset.title;
    player.allow = "autoplay; fullscreen; picture-in-picture";
    player.allowFullscreen = true;
    player.className = "video-player";
    link.replaceWith(player);
    player.focus();
  });
});
