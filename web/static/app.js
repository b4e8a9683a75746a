// Improvements only: every page works without this script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var FOCUS_KEY = "kb-focus";

  document.addEventListener("DOMContentLoaded", function () {
    sheetActions();
    keepPicks();
    slashToSearch();
    var form = document.getElementById("search");
    if (!form) return;
    var filters = form.querySelector(".filters");
    var toggle = filters && foldFilters(filters);

    // A ticked facet value or a new sort order searches at once. The range inputs wait for
    // Enter or the Apply button, so Tab from one to the other does not reload the page.
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.classList && target.classList.contains("autosubmit")) {
        // Keyboard users find themselves on the same control after the new page loads.
        if (target.id) sessionStorage.setItem(FOCUS_KEY, target.id);
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
    // Empty fields stay out of the URL, so shared links and history read cleanly.
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.name && field.value === "" && field.type !== "checkbox") field.disabled = true;
      });
    });
    // Back and Forward: the controls show the state of the URL, not what the browser
    // remembers of the page being left.
    window.addEventListener("pageshow", function () {
      form.querySelectorAll("[disabled]").forEach(function (field) { field.disabled = false; });
      form.reset();
    });

    filterLongFacets(form);
    restoreFocus(filters, toggle);
  });

  // Ticks for comparison stay in the URL (pick=...), so they survive paging, filters and
  // sorting: the address, the page links and the search form follow each tick.
  function keepPicks() {
    var search = document.getElementById("search");
    if (!search || !document.getElementById("compare")) return;
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name !== "pick" || box.getAttribute("form") !== "compare") return;
      var here = new URL(window.location.href);
      var picks = here.searchParams.getAll("pick").filter(function (id) { return id !== box.value; });
      if (box.checked) picks.push(box.value);
      here.searchParams.delete("tray");
      withPicks(here, picks);
      window.history.replaceState(null, "", here.toString());
      document.querySelectorAll(".pages a, .chips a").forEach(function (link) {
        var target = new URL(link.href);
        withPicks(target, picks);
        link.href = target.toString();
      });
      search.querySelectorAll("input[type=hidden][name=pick]").forEach(function (old) { old.remove(); });
      picks.forEach(function (id) {
        var keep = document.createElement("input");
        keep.type = "hidden"; keep.name = "pick"; keep.value = id;
        search.appendChild(keep);
      });
    });
  }

  function withPicks(url, picks) {
    url.searchParams.delete("pick");
    picks.forEach(function (id) { url.searchParams.append("pick", id); });
  }

  // "/" anywhere but in a field goes to the search box, as on many search sites.
  function slashToSearch() {
    var box = document.getElementById("q");
    if (!box) return;
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
      if (event.key !== "/" || typing || event.ctrlKey || event.metaKey || event.altKey) return;
      event.preventDefault();
      box.focus();
      box.select();
    });
  }

  // A sheet's Print and Share buttons: share through the system's dialog where there is one,
  // else copy the permalink.
  function sheetActions() {
    document.querySelectorAll("button[data-action]").forEach(function (button) {
      var action = button.getAttribute("data-action");
      if (action === "share" && !navigator.share && !(navigator.clipboard && window.isSecureContext)) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        if (action === "print") { window.print(); return; }
        var url = button.getAttribute("data-url");
        if (navigator.share) {
          navigator.share({ title: button.getAttribute("data-title"), url: url }).catch(function () {});
        } else {
          navigator.clipboard.writeText(url).then(function () {
            button.textContent = button.getAttribute("data-copied");
          });
        }
      });
    });
  }

  function restoreFocus(filters, toggle) {
    var focusId = sessionStorage.getItem(FOCUS_KEY);
    if (!focusId) return;
    sessionStorage.removeItem(FOCUS_KEY);
    var again = document.getElementById(focusId);
    if (!again) return;
    if (filters && toggle && filters.contains(again)) setOpen(filters, toggle, true);
    var folded = again.closest("details");
    if (folded) folded.open = true;
    again.focus();
  }

  // Long facets: a filter box narrows the values and opens "show more".
  function filterLongFacets(form) {
    form.querySelectorAll(".facet-filter").forEach(function (box) {
      box.hidden = false;
      var facet = box.closest(".facet");
      box.addEventListener("input", function () {
        var needle = folded(box.value.trim());
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
  }

  // The server folds the values the same way (kb.core.text.fold): "geneve" finds "Genève".
  function folded(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/ß/g, "ss").replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ø/g, "o").replace(/ł/g, "l");
  }

  // On a phone the filters fold away behind a button (CSS shows it on narrow screens only).
  function foldFilters(filters) {
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "filters-toggle secondary";
    toggle.addEventListener("click", function () {
      setOpen(filters, toggle, !filters.classList.contains("open"));
    });
    filters.insertBefore(toggle, filters.firstChild);
    setOpen(filters, toggle, false);
    return toggle;
  }

  function setOpen(filters, toggle, open) {
    filters.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.textContent = filters.getAttribute(open ? "data-hide" : "data-show") || "Filters";
  }
})();
