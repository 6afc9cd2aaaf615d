-- wrk script for bench/events.py: worker pings that alternate between the server's version
-- and another one, so every answer changes the worker's state (Online, then Offline on the 409)
-- and the server publishes one event per request on /ws/.
--
--   WORKER=bench-worker TOKEN=secret VERSION=2026.11 wrk -t1 -c1 -d10s -s bench/flap.lua http://127.0.0.1:8100
local worker, token, version = os.getenv("WORKER"), os.getenv("TOKEN"), os.getenv("VERSION")
if not (worker and token and version) then
  io.stderr:write("flap.lua: set WORKER, TOKEN and VERSION\n")
  os.exit(2)
end
local paths = {
  "/scheduler/internal/v1/workers/" .. worker .. "/?version=" .. version,
  "/scheduler/internal/v1/workers/" .. worker .. "/?version=0000.00",
}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[n % 2 + 1], { ["LAVA-Token"] = token })
end
