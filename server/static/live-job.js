// A running job's page follows its log and state without a reload: records from the last one
// shown, state and health, until the job has finished. Text goes in through textContent only,
// so nothing a job wrote can become markup.
"use strict";
(function () {
  const log = document.getElementById("log");
  if (!log || log.dataset.follow !== "1") return;
  const job = log.dataset.job;
  // A page cut at 4 MiB says where its records stopped.
  const cut = document.getElementById("log-next");
  let next = parseInt((cut || log).dataset.next, 10) || 0;
  const live = document.getElementById("log-live");
  const count = document.getElementById("log-count");
  const end = document.getElementById("log-end");

  function set(id, text) {
    const element = document.getElementById(id);
    if (element && element.textContent !== text) element.textContent = text;
  }

  function atBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
  }

  function append(records) {
    const follow = atBottom();
    for (const record of records) {
      const line = document.createElement("code");
      line.className = record.lvl;
      line.id = "L" + record.n;
      const anchor = document.createElement("a");
      anchor.className = "ln";
      anchor.href = "#L" + record.n;
      anchor.textContent = String(record.n);
      line.appendChild(anchor);
      line.appendChild(document.createTextNode(record.msg));
      log.appendChild(line);
      next = record.n + 1;
    }
    if (count) count.textContent = String(next);
    if (end) end.textContent = String(next);
    if (follow && records.length) document.getElementById("bottom").scrollIntoView();
  }

  async function poll() {
    try {
      let finished = false;
      for (;;) {
        const answer = await fetch("/scheduler/job/" + job + "/log_pipeline_incremental?line=" + next, { credentials: "same-origin" });
        if (!answer.ok) break;
        const records = await answer.json();
        append(records);
        finished = answer.headers.get("X-Is-Finished") === "1";
        if (records.length < 1000) break;
      }
      const status = await fetch("/scheduler/job/" + job + "/job_status", { credentials: "same-origin" });
      if (status.ok) {
        const s = await status.json();
        set("job-state", s.state);
        const health = document.getElementById("job-health");
        if (health) { health.className = "health health-" + s.health; }
        set("job-health", s.health);
        set("job-worker", s.worker || "");
        const device = document.getElementById("job-device");
        if (device && s.device && device.textContent !== s.device) {
          const link = document.createElement("a");
          link.href = "/scheduler/device/" + encodeURIComponent(s.device);
          link.textContent = s.device;
          device.replaceChildren(link);
        }
        set("job-start", s.start_time);
        set("job-end", s.end_time);
        set("job-duration", s.duration);
        set("failure-comment", s.failure_comment);
        if (!s.cancelable) {
          const cancel = document.getElementById("cancel-form");
          if (cancel) cancel.remove();
        }
        if (s.finished && (finished || next >= s.log_records)) {
          if (live) live.textContent = "The job has finished.";
          // The results were not there when the page was made: point at them.
          const none = document.getElementById("results-none");
          if (none) {
            none.textContent = "The job has finished: ";
            const link = document.createElement("a");
            link.href = "/results/" + job;
            link.textContent = "see its results";
            none.appendChild(link);
          }
          return;
        }
      }
    } catch (error) {
      if (live) live.textContent = "Lost contact with the server; retrying…";
    }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 1000);
})();
