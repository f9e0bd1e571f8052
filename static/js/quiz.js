// Consultation comfort; every quiz page works without it. It never submits on a click
// (people misclick): Continue is enabled once something is chosen, and copy buttons appear
// where the browser can copy (static/js/site.js does the copying).
(function () {
  "use strict";
  document.querySelectorAll("[data-copy][hidden]").forEach(function (btn) {
    if (navigator.clipboard) btn.hidden = false;
  });
  var form = document.querySelector("[data-quiz-form]");
  if (!form) return;
  var button = form.querySelector("[data-quiz-continue]");
  var choices = form.querySelectorAll("input[type=radio][name=value]");
  var optional = form.querySelector("input[name=postal_code]");
  // Only a required single choice or scale waits for a pick; checkboxes may be "none".
  if (!button || choices.length === 0 || form.querySelector(".quiz-optional")) return;
  function update() {
    var picked = form.querySelector("input[name=value]:checked") || (optional && optional.value.trim() !== "");
    button.disabled = !picked;
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
