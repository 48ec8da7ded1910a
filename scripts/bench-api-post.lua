-- wrk script of scripts/bench-api.sh: POST one report per request, rotating
-- over the place ids in the file given after "--" and over 1000 contributor
-- keys, so the per-key status work stays realistic.
local ids = {}
local n = 0

function init(args)
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
end

function request()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  local key = string.format("wrkBenchKey%04d_abcdefghijklmnop", (n * 7919 + math.random(0, 999)) % 1000)
  return wrk.format("POST", "/api/v1/places/" .. id .. "/reports",
    {["Content-Type"] = "application/json", ["X-Openmap-Contributor"] = key},
    '{"status":"open","opening_hours":"Mo-Fr 09:00-18:00","remark":"bench"}')
end
