// Quick exit: leave for the neutral site at once, replacing this page in the history so that
// "Back" does not return here. Without JavaScript the button is a plain link to the same site.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-quick-exit]") : null;
  if (link === null) return;
  event.preventDefault();
  window.location.replace(link.href);
});
