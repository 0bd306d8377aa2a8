-- Cycles through the paths in the file named by PATHS (one per line), signed in with the
-- cookie in COOKIE: every page of the console, in turn, on every connection.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local cookie = os.getenv("COOKIE")
local n = 0

request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], {
    ["Cookie"] = cookie,
    ["Accept"] = "text/html",
  })
end
