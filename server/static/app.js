// Conveniences only: every page works without this file.
(function () {
  "use strict";
  // Changing the sort order runs the search again.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // "/" puts the cursor in the search box, as on many search sites.
  var box = document.querySelector("input[type=search]");
  if (box) {
    document.addEventListener("keydown", function (e) {
      var t = e.target.tagName;
      if (e.key === "/" && t !== "INPUT" && t !== "TEXTAREA" && t !== "SELECT") {
        e.preventDefault();
        box.focus();
        box.select();
      }
    });
  }
})();
