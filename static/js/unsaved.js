// Ask before leaving an entry page whose typed figures are not saved yet.
// Forms marked data-guard-unsaved are watched; submitting such a form saves them, so it may leave.
(function () {
  "use strict";
  var leavingBySubmit = false;

  function changed(form) {
    // A page shown again after a refused save holds typed figures that are not stored.
    if (form.hasAttribute("data-unsaved")) {
      return true;
    }
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.disabled || field.type === "hidden") {
        return false;
      }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
      }
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked !== field.defaultChecked;
      }
      if (field.tagName === "TEXTAREA" || field.tagName === "INPUT") {
        return field.value !== field.defaultValue;
      }
      return false;
    });
  }

  function guardedForms() {
    return document.querySelectorAll("form[data-guard-unsaved]");
  }

  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-guard-unsaved")) {
      leavingBySubmit = true;
    }
  });

  window.addEventListener("pageshow", function () {
    leavingBySubmit = false;
  });

  window.addEventListener("beforeunload", function (event) {
    if (leavingBySubmit) {
      return;
    }
    if (Array.prototype.some.call(guardedForms(), changed)) {
      event.preventDefault();
      // Older browsers show the dialog only when returnValue is set.
      event.returnValue = "";
    }
  });
})();
