// reportgen's page works without this script; it only adds a waiting note while a form is
// being answered, and dropping a file onto a form's file field.
"use strict";
document.querySelectorAll("form").forEach(function (form) {
  var busy = form.querySelector(".busy");
  form.addEventListener("submit", function () {
    if (busy) { busy.hidden = false; }
    if (form.classList.contains("download")) {
      // a download leaves the page where it is: take the note away after a while
      setTimeout(function () { if (busy) { busy.hidden = true; } }, 8000);
      return;
    }
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
  });
  var input = form.querySelector("input[type=file]");
  if (!input) { return; }
  form.addEventListener("dragover", function (e) { e.preventDefault(); form.classList.add("dragging"); });
  form.addEventListener("dragleave", function () { form.classList.remove("dragging"); });
  form.addEventListener("drop", function (e) {
    e.preventDefault();
    form.classList.remove("dragging");
    var fields = form.querySelectorAll("input[type=file]");
    var target = e.target.closest ? e.target.closest("label") : null;
    var field = (target && target.querySelector("input[type=file]")) || fields[0];
    if (e.dataTransfer && e.dataTransfer.files.length) { field.files = e.dataTransfer.files; }
  });
});
