// Atelier progressive enhancement. Every page works without this file; it only adds comfort.
(function () {
  "use strict";
  // Copy buttons: <button data-copy="#id"> copies the text or value of the element it names.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-copy]");
    if (!btn || !navigator.clipboard) return;
    var el = document.querySelector(btn.getAttribute("data-copy"));
    if (!el) return;
    ev.preventDefault();
    navigator.clipboard.writeText(el.value || el.textContent.trim()).then(function () {
      var old = btn.textContent;
      btn.textContent = "Copied";
      setTimeout(function () { btn.textContent = old; }, 1500);
    });
  });
  // Auto-submit controls: a change on [data-autosubmit] submits its form (the page still has a button).
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el && el.form && el.closest("[data-autosubmit]")) {
      if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
    }
  });
})();
