// Re-fetch a server-rendered fragment every few seconds (the trainer's live progress).
"use strict";
for (const box of document.querySelectorAll("[data-refresh]")) {
  const every = 1000 * Number(box.dataset.every || 10);
  setInterval(async () => {
    const answer = await fetch(box.dataset.refresh, { credentials: "same-origin" });
    if (answer.ok) box.innerHTML = await answer.text();
  }, every);
}
