/* Projet personnalisé : recherche dans la nomenclature SERAFIN-PH.
   Amélioration progressive d'un <select> natif (avec <optgroup> par rubrique) : un champ de
   recherche filtre les options, sans tenir compte des accents ni des majuscules ; chaque mot
   tapé doit apparaître dans le code ou le libellé. Sans JavaScript, le <select> reste utilisable. */
(function () {
  "use strict";

  function normalise(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhance(select, index) {
    var searchId = "serafin-recherche-" + index;
    var statusId = "serafin-statut-" + index;
    var wrapper = document.createElement("div");
    wrapper.className = "serafin-search";
    var label = document.createElement("label");
    label.setAttribute("for", searchId);
    label.textContent = "Rechercher un code ou un mot (sans accents si vous le souhaitez)";
    var input = document.createElement("input");
    input.type = "search";
    input.id = searchId;
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    input.setAttribute("aria-describedby", statusId);
    var status = document.createElement("p");
    status.id = statusId;
    status.className = "serafin-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select);

    var options = Array.prototype.slice.call(select.options).filter(function (o) { return o.value; });
    var keys = options.map(function (o) { return normalise(o.textContent); });

    function filter() {
      var words = normalise(input.value).split(/\s+/).filter(Boolean);
      var count = 0;
      options.forEach(function (option, i) {
        var match = words.every(function (w) { return keys[i].indexOf(w) !== -1; });
        option.hidden = !match && !option.selected;
        if (match) { count += 1; }
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var visible = Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
        group.hidden = !visible;
      });
      status.textContent = words.length
        ? count + (count > 1 ? " codes correspondent." : " code correspond.")
        : "";
      return count;
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var first = options.filter(function (o) { return !o.hidden; })[0];
      if (first) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        status.textContent = "Choisi : " + first.textContent.trim();
        select.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-serafin-picker]"), enhance);
  });
})();
