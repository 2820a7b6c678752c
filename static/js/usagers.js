/* Usager forms: show the date of designation only for a trusted person, and move focus to
   the error summary after a failed submission. No inline script (strict CSP). */
(function () {
  "use strict";
  function toggleDesignation() {
    var box = document.getElementById("id_is_personne_confiance");
    var date = document.getElementById("id_personne_confiance_designee_le");
    if (!box || !date) { return; }
    var wrapper = date.closest(".field");
    var update = function () { wrapper.hidden = !box.checked; };
    box.addEventListener("change", update);
    update();
  }
  function focusAlert() {
    var alert = document.querySelector(".alert[role='alert']");
    if (alert) { alert.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    toggleDesignation();
    focusAlert();
  });
})();
