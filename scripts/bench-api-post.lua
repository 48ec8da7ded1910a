-- wrk script of scripts/bench-api.sh: POST one report per request, rotating
-- over the place ids in the file given after "--" and over 1000 contributor
-- keys, so the per-key status work stays realistic.
-- A second argument "place" sends "Prefer: return=representation" (201 with
-- the place document, as the map asks); without it the 201 holds the new
-- status, the default answer.
local ids = {}
local n = 0
local place = false

function init(args)
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
  place = args[2] == "place"
end

function request()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  local key = string.format("wrkBenchKey%04d_abcdefghijklmnop", (n * 7919 + math.random(0, 999)) % 1000)
  local headers = {["Content-Type"] = "application/json", ["X-Openmap-Contributor"] = key}
  if place then
    headers["Prefer"] = "return=representation"
  end
  return wrk.format("POST", "/api/v1/places/" .. id .. "/reports", headers,
    '{"status":"open","opening_hours":"Mo-Fr 09:00-18:00","remark":"bench"}')
end
