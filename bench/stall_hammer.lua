-- Cycles through the paths in the file named by PATHS (one per line), signed in with the
-- cookie in COOKIE: every page of the console, in turn, on every connection. Counts every
-- answer that is not 200 (wrk's own count misses 3xx) and prints it at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths, n, not_ok = {}, 0, 0
  for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
  cookie = os.getenv("COOKIE")
end

request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], {
    ["Cookie"] = cookie,
    ["Accept"] = "text/html",
  })
end

response = function(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end

done = function(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("not_ok") end
  local e = summary.errors
  io.write(string.format("answers: %d; not 200: %d; socket errors: %d; max %.0f ms\n",
    summary.requests, bad, e.connect + e.read + e.write + e.timeout, latency.max / 1000))
end
