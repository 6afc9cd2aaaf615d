-- wrk script for bench/events.py: worker pings that alternate between the server's version
-- and another one, so every answer changes the worker's state (Online, then Offline on the 409)
-- and the server publishes one event per request on /ws/.
--
--   WORKERS=bench-worker-1,bench-worker-2 TOKENS=t1,t2 VERSION=2026.11 \
--       wrk -t2 -c2 -d10s -s bench/flap.lua http://127.0.0.1:8100
--
-- Each wrk thread flaps its own worker (thread i the i-th of WORKERS, with the i-th of TOKENS), so
-- threads do not take turns on one worker's row: run as many threads as workers, one connection each.
local function split(text)
  local list = {}
  for item in string.gmatch(text or "", "[^,]+") do list[#list + 1] = item end
  return list
end

local workers, tokens, version = split(os.getenv("WORKERS")), split(os.getenv("TOKENS")), os.getenv("VERSION")
if #workers == 0 or #workers ~= #tokens or not version then
  io.stderr:write("flap.lua: set WORKERS and TOKENS (as many of each) and VERSION\n")
  os.exit(2)
end

local created = 0
function setup(thread)
  created = created + 1
  thread:set("index", (created - 1) % #workers + 1)
end

local paths, token
local n = 0
function init()
  local worker = workers[index]
  token = tokens[index]
  paths = {
    "/scheduler/internal/v1/workers/" .. worker .. "/?version=" .. version,
    "/scheduler/internal/v1/workers/" .. worker .. "/?version=0000.00",
  }
end

function request()
  n = n + 1
  return wrk.format("GET", paths[n % 2 + 1], { ["LAVA-Token"] = token })
end
