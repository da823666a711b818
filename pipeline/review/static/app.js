// thb review: small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Filters apply as soon as a select changes.
  for (const select of document.querySelectorAll("select.autosubmit")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Legend checkboxes switch a highlight kind on and off.
  for (const box of document.querySelectorAll(".legend input[data-kind]")) {
    box.addEventListener("change", () => {
      document.body.classList.toggle("hide-" + box.dataset.kind, !box.checked);
    });
  }
  // A correction form opens with its first field focused.
  for (const details of document.querySelectorAll("details.correct")) {
    details.addEventListener("toggle", () => {
      const field = details.querySelector("input:not([type=hidden])");
      if (details.open && field) field.focus();
    });
  }
});
