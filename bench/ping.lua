-- wrk script: worker ping, GET /scheduler/internal/v1/workers/<WORKER>/?version=<VERSION>
-- with header LAVA-Token: <TOKEN>.
--
--   WORKER=bench-worker TOKEN=secret VERSION=2026.11 \
--     wrk -t2 -c64 -d30s --latency -s bench/ping.lua http://127.0.0.1:8000
--
-- Environment:
--   WORKER     worker name (required unless PING_PATH is set)
--   TOKEN      the worker's token, sent as LAVA-Token (required)
--   VERSION    version the worker reports; must be one the server accepts, else 409 (required
--              unless PING_PATH is set)
--   PING_PATH  full request path (with query) overriding the default above
--
-- No request()/response() functions: wrk sends one prebuilt request, so the client costs as
-- little as possible. Non-200 answers show up in wrk's "Non-2xx or 3xx responses" line.

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function need(name)
  local v = os.getenv(name)
  if v == nil or v == "" then
    io.stderr:write("ping.lua: set " .. name .. " (see bench/README.md)\n")
    os.exit(2)
  end
  return v
end

local path = os.getenv("PING_PATH")
if path == nil or path == "" then
  path = "/scheduler/internal/v1/workers/" .. urlencode(need("WORKER")) ..
         "/?version=" .. urlencode(need("VERSION"))
end

wrk.method = "GET"
wrk.path = path
wrk.body = nil
wrk.headers["LAVA-Token"] = need("TOKEN")
