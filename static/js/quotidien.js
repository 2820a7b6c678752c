/* DUI — le quotidien. Amélioration progressive : tout fonctionne sans ce script.
   - [data-montre-si="champ=valeur"] : n'afficher un bloc que si le champ a cette valeur
     (motif d'absence, nature du signalement) ;
   - [data-confirmer="question"] : demander confirmation avant d'envoyer ;
   - [data-imprimer] : imprimer la page. */
(function () {
  "use strict";

  function valeurDe(form, name) {
    var checked = form.querySelector('[name="' + name + '"]:checked');
    if (checked) { return checked.value; }
    var field = form.querySelector('[name="' + name + '"]');
    return field && field.type !== "radio" ? field.value : "";
  }

  function brancher(bloc) {
    var regle = bloc.getAttribute("data-montre-si").split("=");
    var form = bloc.closest("form");
    if (!form) { return; }
    var maj = function () { bloc.hidden = valeurDe(form, regle[0]) !== regle[1]; };
    form.querySelectorAll('[name="' + regle[0] + '"]').forEach(function (field) {
      field.addEventListener("change", maj);
    });
    maj();
  }

  document.querySelectorAll("[data-montre-si]").forEach(brancher);

  document.querySelectorAll("[data-confirmer]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirmer"))) { event.preventDefault(); }
    });
  });

  document.querySelectorAll("[data-imprimer]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
