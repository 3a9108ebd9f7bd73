// Everything on the page that is wider than its container, or cut off, or scrolls sideways —
// unless it is inside an area that declares itself a scroll area ([data-scroll-area]).
() => {
  const problems = [];
  const name = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    if (el.classList.length) text += "." + [...el.classList].join(".");
    return text;
  };
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    problems.push(`the page scrolls sideways: ${doc.scrollWidth} px wide in a ${window.innerWidth} px window`);
  }
  const skipped = (el) => el.closest(
    ".visually-hidden, [popover]:not(:popover-open), template, svg *, select *, noscript"
  );
  for (const el of document.body.querySelectorAll("*")) {
    if (skipped(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || style.position === "fixed") continue;
    if (el.closest("details:not([open])") && !el.matches("details, details > summary, details > summary *")) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const inScrollArea = el.parentElement && el.parentElement.closest("[data-scroll-area]");
    // Scrolling or cutting off sideways, where no scroll area is declared.
    if (!el.matches("[data-scroll-area], input, textarea, select, html, body") && el.scrollWidth > el.clientWidth + 1
        && ["auto", "scroll", "hidden", "clip"].includes(style.overflowX) && !inScrollArea) {
      problems.push(`${name(el)} cuts off or scrolls its content (${el.scrollWidth} > ${el.clientWidth} px)`);
    }
    const parent = el.parentElement;
    if (!parent || parent === document.body || inScrollArea || style.position === "absolute") continue;
    const ps = getComputedStyle(parent);
    const box = parent.getBoundingClientRect();
    const left = box.left + parseFloat(ps.borderLeftWidth);
    const right = box.right - parseFloat(ps.borderRightWidth);
    if (rect.right > right + 1 || rect.left < left - 1) {
      problems.push(`${name(el)} (${Math.round(rect.width)} px) is wider than ${name(parent)} (${Math.round(right - left)} px)`);
    }
  }
  return problems;
}
