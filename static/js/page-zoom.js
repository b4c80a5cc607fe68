// Zoom and pan for the page image (an SVG with data-zoomable): the wheel or the buttons zoom, dragging
// pans, by changing the viewBox. No inline script or style, so the site's CSP stays strict.
(function () {
  "use strict";
  document.querySelectorAll("svg[data-zoomable]").forEach(function (svg) {
    var full = svg.viewBox.baseVal;
    var W = full.width, H = full.height;
    var box = { x: 0, y: 0, w: W, h: H };
    var drag = null, moved = false;

    function apply() {
      box.w = Math.min(W, Math.max(W / 8, box.w));
      box.h = box.w * H / W;
      box.x = Math.min(W - box.w, Math.max(0, box.x));
      box.y = Math.min(H - box.h, Math.max(0, box.y));
      svg.setAttribute("viewBox", [box.x, box.y, box.w, box.h].join(" "));
    }
    function zoom(factor, cx, cy) {
      cx = cx === undefined ? box.x + box.w / 2 : cx;
      cy = cy === undefined ? box.y + box.h / 2 : cy;
      box.x = cx - (cx - box.x) * factor;
      box.y = cy - (cy - box.y) * factor;
      box.w *= factor;
      apply();
    }
    function toPage(event) {
      var rect = svg.getBoundingClientRect();
      return [box.x + (event.clientX - rect.left) / rect.width * box.w, box.y + (event.clientY - rect.top) / rect.height * box.h];
    }
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var at = toPage(event);
      zoom(event.deltaY < 0 ? 0.8 : 1.25, at[0], at[1]);
    }, { passive: false });
    svg.addEventListener("pointerdown", function (event) {
      drag = { x: event.clientX, y: event.clientY, bx: box.x, by: box.y };
      moved = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var rect = svg.getBoundingClientRect();
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 4) moved = true;
      box.x = drag.bx - dx / rect.width * box.w;
      box.y = drag.by - dy / rect.height * box.h;
      apply();
    });
    window.addEventListener("pointerup", function () { drag = null; });
    // A drag that ends on a region must not follow its link.
    svg.addEventListener("click", function (event) { if (moved) { event.preventDefault(); moved = false; } }, true);
    var section = svg.closest("section");
    (section || document).querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-zoom");
        if (how === "in") zoom(0.8);
        else if (how === "out") zoom(1.25);
        else { box = { x: 0, y: 0, w: W, h: H }; apply(); }
      });
    });
  });
})();
