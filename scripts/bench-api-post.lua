-- wrk script of scripts/bench-api.sh: POST one report per request, rotating
-- over the place ids in the file given after "--" and over 1000 contributor
-- keys, so the per-key status work stays realistic.
-- A second argument "minimal" sends "Prefer: return=minimal" (201 with the
-- new status only).
local ids = {}
local n = 0
local minimal = false

function init(args)
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
  minimal = args[2] == "minimal"
end

function request()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  local key = string.format("wrkBenchKey%04d_abcdefghijklmnop", (n * 7919 + math.random(0, 999)) % 1000)
  local headers = {["Content-Type"] = "application/json", ["X-Openmap-Contributor"] = key}
  if minimal then
    headers["Prefer"] = "return=minimal"
  end
  return wrk.format("POST", "/api/v1/places/" .. id .. "/reports", headers,
    '{"status":"open","opening_hours":"Mo-Fr 09:00-18:00","remark":"bench"}')
end
