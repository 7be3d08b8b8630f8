// Keyboard shortcuts for the review page. Everything also works without JavaScript: each key
// only clicks a button or a link that is on the page.
(function () {
  "use strict";
  const cards = Array.from(document.querySelectorAll("[data-card]"));
  let current = 0;
  let sent = false;  // a second key press while the page reloads must not decide twice

  function show(index) {
    if (!cards.length) return;
    current = Math.max(0, Math.min(cards.length - 1, index));
    cards.forEach(function (card, i) { card.classList.toggle("current", i === current); });
    cards[current].scrollIntoView({ block: "nearest" });
  }

  function press(scope, key) {
    const target = scope && scope.querySelector('[data-key="' + key + '"]');
    if (!target || sent) return false;
    sent = target.tagName === "BUTTON";
    target.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) return;
    const key = event.key.toLowerCase();
    let done = false;
    if (key === "arrowdown" || key === "j") { show(current + 1); done = true; }
    else if (key === "arrowup" || key === "k") { show(current - 1); done = true; }
    else if ("cvre".indexOf(key) >= 0 && key.length === 1) { done = press(cards[current], key); }
    else if (key === "a" || key === "z") { done = press(document, key); }
    if (done) event.preventDefault();
  });

  cards.forEach(function (card, i) { card.addEventListener("focusin", function () { show(i); }); });
  show(0);
})();
