-- wrk script of scripts/bench-api.sh: POST one report per request, rotating
-- over the place ids in the file given after "--" and over 1000 contributor
-- keys, each from an address of its own, so the per-key status work stays
-- realistic.
-- A second argument "place" sends "Prefer: return=representation" (201 with
-- the place document, as the map asks); without it the 201 holds the new
-- status, the default answer.
-- The requests are formatted once in init (8192 of them, cycled), so that
-- wrk, which shares the machine's cores with the server, spends as little
-- as it can per request.
local reqs = {}
local n = 0

function init(args)
  local ids = {}
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
  local headers = {["Content-Type"] = "application/json"}
  if args[2] == "place" then
    headers["Prefer"] = "return=representation"
  end
  for i = 1, 8192 do
    local k = (i * 7919 + math.random(0, 999)) % 1000
    headers["X-Openmap-Contributor"] = string.format("wrkBenchKey%04d_abcdefghijklmnop", k)
    -- Each contributor at an address of its own (the server trusts the
    -- header with --trust-proxy): one address is one voice per place.
    headers["X-Forwarded-For"] = string.format("10.0.%d.%d", math.floor(k / 256), k % 256)
    reqs[i] = wrk.format("POST", "/api/v1/places/" .. ids[(i % #ids) + 1] .. "/reports", headers,
      '{"status":"open","opening_hours":"Mo-Fr 09:00-18:00","remark":"bench"}')
  end
end

function request()
  n = n % #reqs + 1
  return reqs[n]
end
