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

// Upvotes: a vote form posts in the background and updates its count in
// place. Without JavaScript the form posts and the page comes back.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.fetch || !window.URLSearchParams) return;
  document.querySelectorAll("form[data-vote]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      var count = form.querySelector(".count");
      var old = form.parentNode.querySelector(".vote-error");
      if (old) old.remove();
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (resp) {
        return resp.json().then(function (data) {
          if (resp.status === 401 && data.login) {
            window.location.assign(data.login);
            return;
          }
          if (!resp.ok) throw new Error(data.error || "The vote was not recorded.");
          count.textContent = data.upvotes;
          button.classList.toggle("voted", data.voted);
          button.setAttribute("aria-pressed", data.voted ? "true" : "false");
          button.title = data.voted ? "Withdraw your upvote" : "Upvote";
        });
      }).catch(function (err) {
        var note = document.createElement("p");
        note.className = "vote-error";
        note.setAttribute("role", "alert");
        note.textContent = err.message || "The vote was not recorded.";
        form.insertAdjacentElement("afterend", note);
      }).finally(function () {
        button.disabled = false;
      });
    });
  });
});
