// Progressive touches only: every page works without this file.
"use strict";

// Copy buttons: a button with data-copy="ID" copies the text of element ID.
// Buttons start hidden so that browsers without JavaScript do not show
// controls that cannot work; the text itself stays selectable.
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.dataset.copy);
    if (!target) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent).then(function () {
        button.textContent = "Copied!";
      }, function () {
        button.textContent = "Copy failed — select the text instead";
      });
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
});

// Search filters: a changed order, mode or checkbox applies at once. Without
// JavaScript the form's Search button does the same.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select, input[type=checkbox]").forEach(function (input) {
      input.addEventListener("change", function () { form.submit(); });
    });
  });
});
