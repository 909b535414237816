// Applies the saved theme before the first paint, so a dark-theme user never sees a white flash.
// A plain external script (not inline) so that a strict Content-Security-Policy keeps working.
try {
  var savedTheme = localStorage.getItem('daa-theme');
  if (savedTheme === 'light' || savedTheme === 'dark') document.documentElement.dataset.theme = savedTheme;
} catch (error) {
  // Storage blocked: the system theme applies.
}
