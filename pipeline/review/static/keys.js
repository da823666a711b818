// Keyboard review: j / k next and previous row, a accept, r reject, c correct, o or Enter open the row on its page.
// In a table the keys act on the focused row; on a row's page they act on that row and j / k go to its neighbours.
(function () {
  "use strict";
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-row-key], .region-row[data-row-key]")); }
  var current = -1;
  function focus(index) {
    var all = rows();
    if (!all.length) { return; }
    index = Math.max(0, Math.min(all.length - 1, index));
    if (current >= 0 && all[current]) { all[current].classList.remove("key-focus"); }
    current = index;
    all[current].classList.add("key-focus");
    all[current].scrollIntoView({block: "nearest"});
  }
  function row() { var all = rows(); return all[current] || (all.length === 1 ? all[0] : null); }
  function press(decision) {
    var target = row();
    var button = target && target.querySelector("form.decide button[value='" + decision + "']");
    if (button) { button.click(); }
  }
  function correct() {
    var target = row();
    var details = target && target.querySelector("details.correct");
    if (!details) { return; }
    details.open = true;
    var input = details.querySelector("input:not([type=hidden])");
    if (input) { input.focus(); input.select(); }
  }
  function follow(id) { var link = document.getElementById(id); if (link) { window.location.href = link.href; } }
  document.addEventListener("DOMContentLoaded", function () {
    var hash = window.location.hash.slice(1);
    var all = rows();
    for (var i = 0; i < all.length; i++) { if (all[i].id === hash) { focus(i); } }
    if (current < 0 && all.length === 1) { focus(0); }
    showRowOnPage();
  });
  // The page image scrolls inside its frame so that the row's box is in view without scrolling the window.
  function showRowOnPage() {
    var frame = document.querySelector(".region-layout .page-image");
    var box = frame && frame.querySelector("rect.region-span, rect.region-footnote");
    if (!box) { return; }
    var offset = box.getBoundingClientRect().top - frame.getBoundingClientRect().top;
    frame.scrollTop = Math.max(0, frame.scrollTop + offset - 48);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") { return; }
    var onPage = document.querySelector(".region-row") !== null;
    var key = event.key;
    if (key === "j") { if (onPage) { follow("next-row"); } else { focus(current + 1); } }
    else if (key === "k") { if (onPage) { follow("prev-row"); } else { focus(current - 1); } }
    else if (key === "a") { press("accept"); }
    else if (key === "r") { press("reject"); }
    else if (key === "c") { correct(); event.preventDefault(); }
    else if ((key === "o" || key === "Enter") && !onPage) {
      var link = row() && row().querySelector("a.region-link");
      if (link) { window.location.href = link.href; }
    } else { return; }
  });
})();
