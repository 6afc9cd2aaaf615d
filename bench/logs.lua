-- wrk script: log upload, POST /scheduler/internal/v1/jobs/<JOB>/logs/ with header
-- LAVA-Token: <job token> and a form body  index=<i>&lines=<1000 records, URL-encoded>.
--
--   JOBS=12:tokA,13:tokB \
--     wrk -t2 -c2 -d30s --latency -s bench/logs.lua http://127.0.0.1:8000
--
-- Each wrk thread gets its own job (setup() hands out the JOBS pairs in order), and the run
-- must use exactly one connection per thread (-c equal to -t): with one connection, wrk
-- alternates request() and response(), so the per-thread `index` is always the next unsent
-- line and no line is ever a duplicate. `index` advances by BATCH only on a 200; any other
-- answer (or a dropped connection) resends the same index, which the server must store once.
--
-- Environment:
--   JOBS         comma-separated id:token pairs, at least one per thread (required)
--   BATCH        records per request (default 1000)
--   START_INDEX  first index for every job (default 0; set it when a job already has lines)
--
-- Record n of a job (0-based) is:
--   - {"dt": "2026-11-24T22:46:13.208235", "lvl": "target", "msg": "tick n"}
-- so the stored log can be checked line by line afterwards. done() prints, per job, the next
-- index (lines acknowledged with a 200, counting from START_INDEX) and the non-200 count. The
-- server may hold one batch more than that: wrk stops with the last request in flight.

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local BATCH = tonumber(os.getenv("BATCH") or "") or 1000
local START_INDEX = tonumber(os.getenv("START_INDEX") or "") or 0

local jobs = {}
for pair in string.gmatch(os.getenv("JOBS") or "", "[^,%s]+") do
  local id, token = pair:match("^([^:]+):(.+)$")
  if id == nil then
    io.stderr:write("logs.lua: bad JOBS entry '" .. pair .. "', expected id:token\n")
    os.exit(2)
  end
  jobs[#jobs + 1] = { id = id, token = token }
end
if #jobs == 0 then
  io.stderr:write("logs.lua: set JOBS=id:token,id:token,... (one job per wrk thread; see bench/README.md)\n")
  os.exit(2)
end

-- Runs in the main Lua state, once per thread, before the threads start.
local threads = {}
function setup(thread)
  local n = #threads + 1
  local job = jobs[n]
  if job == nil then
    io.stderr:write(string.format("logs.lua: %d threads but only %d JOBS entries: one job per thread\n", n, #jobs))
    os.exit(2)
  end
  thread:set("job_id", job.id)
  thread:set("job_token", job.token)
  threads[n] = thread
end

-- Everything below runs in each thread's own Lua state (globals set by thread:set are visible).
local prefix = urlencode('- {"dt": "2026-11-24T22:46:13.208235", "lvl": "target", "msg": "tick ')
local suffix = urlencode('"}')
local newline = urlencode("\n")

index = START_INDEX  -- first line of the next batch; advanced only on 200
sent, ok, failed, overlaps = 0, 0, 0, 0
local inflight = false
local shown = 0
local path, headers

function init(args)
  path = "/scheduler/internal/v1/jobs/" .. urlencode(job_id) .. "/logs/"
  headers = {
    ["LAVA-Token"] = job_token,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
end

local parts = {}
local function body_for(first)
  -- Digits need no URL-encoding: only the line numbers change between batches.
  local k = 0
  for n = first, first + BATCH - 1 do
    if k > 0 then k = k + 1; parts[k] = newline end
    k = k + 1; parts[k] = prefix
    k = k + 1; parts[k] = tostring(n)
    k = k + 1; parts[k] = suffix
  end
  for j = k + 1, #parts do parts[j] = nil end
  return "index=" .. first .. "&lines=" .. table.concat(parts, "", 1, k)
end

function request()
  -- A second request() before a response means a reconnect after an error, or (when it keeps
  -- happening) more than one connection per thread, i.e. -c > -t: counted and reported.
  -- Before the first response it is not counted: wrk calls request() once on thread 1's state
  -- as a dry run at startup (script_verify_request), and that request is never sent.
  if inflight and ok + failed > 0 then overlaps = overlaps + 1 end
  inflight = true
  sent = sent + 1
  return wrk.format("POST", path, headers, body_for(index))
end

function response(status, hdrs, body)
  inflight = false
  if status == 200 then
    ok = ok + 1
    index = index + BATCH
  else
    failed = failed + 1
    if shown < 3 then
      shown = shown + 1
      io.stderr:write(string.format("logs.lua: job %s index %d: HTTP %d %s\n",
        job_id, index, status, (body or ""):sub(1, 300)))
    end
  end
end

function done(summary, latency, requests)
  local total_lines, total_overlaps = 0, 0
  for _, t in ipairs(threads) do
    local first = START_INDEX
    local last = t:get("index")
    total_lines = total_lines + (last - first)
    total_overlaps = total_overlaps + t:get("overlaps")
    io.write(string.format("job %s: next index %d (%d lines acknowledged), %d ok, %d non-200, %d resent after a lost response\n",
      t:get("job_id"), last, last - first, t:get("ok"), t:get("failed"), t:get("overlaps")))
  end
  local secs = summary.duration / 1e6
  io.write(string.format("log lines acknowledged: %d in %.2fs = %.0f lines/s\n", total_lines, secs, total_lines / secs))
  if total_overlaps > 0 then
    io.write("warning: requests were resent after lost responses; if this is large, check that -c equals -t\n")
  end
end
