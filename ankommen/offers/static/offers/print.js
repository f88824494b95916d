// Print buttons (the weekly programme, participant cards): no inline script, CSP allows only files.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
