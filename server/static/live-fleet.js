// The fleet and device pages follow the server's event stream (/ws/, LAVA's publisher) and
// update the rows of the workers and devices named in its events, without a reload. Values
// are written with textContent only.
"use strict";
(function () {
  const workers = document.querySelectorAll("tr[data-worker]");
  const devices = document.querySelectorAll("tr[data-device]");
  if (!workers.length && !devices.length) return;

  function cell(row, selector, text, className) {
    const element = row.querySelector(selector);
    if (!element) return;
    element.textContent = text;
    if (className) element.className = className;
  }

  // A worker event carries its state and health; the REST API has its version and whether the
  // server accepts it.
  async function refreshWorker(row, name) {
    const answer = await fetch("/api/v0.2/workers/" + encodeURIComponent(name) + "/", { credentials: "omit" });
    if (!answer.ok) return;
    const worker = await answer.json();
    cell(row, "td.state", worker.state, "state state-" + worker.state);
    cell(row, "td.health", worker.health, "health health-" + worker.health);
    const version = row.querySelector("td.version");
    if (version) {
      version.textContent = worker.version || "";
      if (worker.version && !worker.version_match) {
        const badge = document.createElement("span");
        badge.className = "badge mismatch";
        badge.textContent = "mismatch";
        version.appendChild(document.createTextNode(" "));
        version.appendChild(badge);
      }
    }
    row.classList.toggle("mismatch", Boolean(worker.version && !worker.version_match));
    cell(row, "td.last-contact", "just now");
  }

  function onEvent(message) {
    let event;
    try { event = JSON.parse(message.data); } catch (error) { return; }
    if (!Array.isArray(event) || event.length < 5) return;
    const topic = String(event[0]);
    let data;
    try { data = JSON.parse(event[4]); } catch (error) { return; }
    if (topic.endsWith(".worker")) {
      for (const row of workers) {
        if (row.dataset.worker === data.hostname) refreshWorker(row, data.hostname);
      }
    } else if (topic.endsWith(".device")) {
      for (const row of devices) {
        if (row.dataset.device !== data.device) continue;
        cell(row, "td.state", String(data.state));
        cell(row, "td.health", String(data.health), "health health-" + data.health);
      }
    }
  }

  let delay = 1000;
  function connect() {
    const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/");
    socket.addEventListener("open", () => { delay = 1000; document.body.dataset.live = "1"; });
    socket.addEventListener("message", onEvent);
    socket.addEventListener("close", () => {
      document.body.dataset.live = "0";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();
})();
