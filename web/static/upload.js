// Improvements only: the upload form and the batch page work without this script (a plain
// file input; the batch page refreshes itself through <noscript><meta refresh>).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.upload");
    if (form) enhanceUpload(form);
    var box = document.querySelector("[data-poll]");
    if (box) follow(box);
  });

  // The upload form: files dropped on the box go into its file input, and what is chosen is
  // counted and weighed before sending, so an upload over the limit is never sent.
  function enhanceUpload(form) {
    var zone = form.querySelector(".dropzone");
    var input = form.querySelector("input[type=file]");
    var chosen = form.querySelector("[data-chosen]");
    var button = form.querySelector("button[type=submit]");
    if (!zone || !input || !chosen) return;

    function describe() {
      var files = input.files || [];
      var max = Number(form.getAttribute("data-max-bytes")) || 0;
      var size = 0;
      for (var i = 0; i < files.length; i++) size += files[i].size;
      if (!files.length) {
        chosen.textContent = "";
        return true;
      }
      if (max && size > max) {
        chosen.textContent = form.getAttribute("data-too-large");
        chosen.setAttribute("role", "alert");
        return false;
      }
      chosen.removeAttribute("role");
      chosen.textContent = (form.getAttribute("data-chosen-text") || "")
        .replace("{count}", format(files.length, 0))
        .replace("{size}", format(size / 1048576, 1));
      return true;
    }

    function highlight(on) {
      // The stylesheet has no rule for this state; the CSP allows styles set from a script.
      zone.style.outline = on ? "3px dashed currentColor" : "";
      zone.style.outlineOffset = on ? "2px" : "";
    }

    input.addEventListener("change", describe);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
        highlight(true);
      });
    });
    zone.addEventListener("dragleave", function (event) {
      if (!zone.contains(event.relatedTarget)) highlight(false);
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      highlight(false);
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) return;
      try {
        input.files = files;
      } catch (error) {
        return;       // a browser too old to take dropped files: the input itself still works
      }
      describe();
      input.focus();
    });
    // A file dropped beside the box must not replace the page with the file itself.
    ["dragover", "drop"].forEach(function (name) {
      window.addEventListener(name, function (event) {
        if (!zone.contains(event.target)) event.preventDefault();
      });
    });
    form.addEventListener("submit", function (event) {
      if (!describe()) {
        event.preventDefault();
        input.focus();
        return;
      }
      if (button) {
        button.disabled = true;
        button.textContent = form.getAttribute("data-sending-text") || button.textContent;
      }
    });
    // Back to this page from the batch page: the button works again.
    window.addEventListener("pageshow", function () {
      if (button) button.disabled = false;
    });
  }

  // The batch page: its JSON is polled and the progress bar moved; when the batch ends the
  // page loads again to show the report.
  function follow(box) {
    var url = box.getAttribute("data-poll");
    var every = (Number(box.getAttribute("data-poll-seconds")) || 3) * 1000;
    var text = document.getElementById("progress-text");
    var bar = box.querySelector("progress");

    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok || response.redirected) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (batch) {
          if (batch.status !== "queued" && batch.status !== "running") {
            window.location.reload();
            return;
          }
          if (batch.total !== null && bar) {
            bar.max = Math.max(batch.total, 1);
            bar.value = batch.done;
            bar.textContent = batch.done + " / " + batch.total;
            if (text) {
              text.textContent = (box.getAttribute("data-progress-text") || "")
                .replace("{done}", format(batch.done, 0))
                .replace("{total}", format(batch.total, 0));
            }
          }
          window.setTimeout(tick, every);
        })
        .catch(function () {
          // Signed out, or the server restarting: the page itself says what is going on.
          window.setTimeout(function () { window.location.reload(); }, every);
        });
    }
    window.setTimeout(tick, every);
  }

  function format(value, digits) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined, {
        maximumFractionDigits: digits, minimumFractionDigits: digits
      }).format(value);
    } catch (error) {
      return value.toFixed(digits);
    }
  }
})();
