// Improvements only: every page works without this script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("search");
    if (!form) return;
    var focusId = sessionStorage.getItem("kb-focus");
    if (focusId) {
      sessionStorage.removeItem("kb-focus");
      var again = document.getElementById(focusId);
      if (again) {
        var folded = again.closest("details");
        if (folded) folded.open = true;
        again.focus();
      }
    }

    // A ticked facet value or a new sort order searches at once.
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.classList && target.classList.contains("autosubmit")) {
        // Keyboard users find themselves on the same control after the new page loads.
        if (target.id) sessionStorage.setItem("kb-focus", target.id);
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
    // The range inputs search when the user leaves them or presses Enter (the form's default).
    form.querySelectorAll(".range input").forEach(function (input) {
      input.addEventListener("change", function () {
        if (input.checkValidity()) form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    });

    // Long facets: a filter box narrows the values and opens "show more".
    form.querySelectorAll(".facet-filter").forEach(function (box) {
      box.hidden = false;
      var facet = box.closest(".facet");
      box.addEventListener("input", function () {
        var needle = box.value.trim().toLowerCase();
        var more = facet.querySelector("details.more");
        if (more && needle) more.open = true;
        facet.querySelectorAll("li[data-value]").forEach(function (item) {
          item.hidden = needle !== "" && item.getAttribute("data-value").indexOf(needle) === -1;
        });
      });
      // Enter in the filter box must not submit the whole search.
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    });

    // On a phone the filters fold away behind a button.
    var filters = form.querySelector(".filters");
    if (filters) {
      var toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "filters-toggle secondary";
      toggle.textContent = filters.getAttribute("data-toggle") || "Filters";
      toggle.setAttribute("aria-expanded", "false");
      toggle.addEventListener("click", function () {
        var open = filters.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
      filters.insertBefore(toggle, filters.firstChild);
    }
  });
})();
