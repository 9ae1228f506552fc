// Switch the interface language as soon as one is picked (no inline handler: the
// Content-Security-Policy allows scripts from this site only).
document.addEventListener("DOMContentLoaded", () => {
  const menu = document.getElementById("language");
  if (menu) {
    menu.addEventListener("change", () => menu.form.submit());
  }
});
