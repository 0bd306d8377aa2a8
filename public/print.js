// The printable invoice's Print button: shown only when scripts run (the browser's own
// Print works without it).
document.querySelectorAll('[data-print]').forEach((button) => {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
});
