// Copy-citation button, and the search filters panel opened on wide screens.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy-target"));
  var status = button.parentElement.querySelector(".copy-status");
  var text = source ? source.textContent.trim() : "";
  function done(message) { if (status) status.textContent = message; }
  function selectText() {
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    done("已选中引文，请按 Ctrl+C 复制");
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(function () { done("已复制"); }, selectText);
  } else {
    selectText();
  }
});

// Search filters: a 筛选 panel to open on a phone, open from the start on a wide screen.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(min-width: 48.01rem)").matches) return;
  document.querySelectorAll("details.filters").forEach(function (panel) { panel.open = true; });
});
