-- 50 concurrent writers (one per connection): in turn an API key created, the workspace
-- renamed, a member's role changed, each with a unique value. Counts answers of 400 and
-- above and socket errors (timeouts too), and among them any that says "locked".
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  failed, locked, n = 0, 0, 0
  org, ws, member, cookie = os.getenv("ORG"), os.getenv("WS"), os.getenv("MEMBER"), os.getenv("COOKIE")
end

request = function()
  n = n + 1
  local tag = id .. "-" .. n
  local path, body
  if n % 3 == 0 then
    path = "/api/create_api_key"
    body = "org_id=" .. org .. "&workspace_id=" .. ws .. "&name=writer+" .. tag .. "&expiry=never"
  elseif n % 3 == 1 then
    path = "/api/rename_workspace"
    body = "org_id=" .. org .. "&workspace_id=" .. ws .. "&name=Writer+" .. tag
  else
    path = "/api/change_member_role"
    body = "org_id=" .. org .. "&user_id=" .. member .. "&role=" .. ((n % 2 == 0) and "billing" or "member")
  end
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

response = function(status, headers, body)
  if status >= 400 then
    failed = failed + 1
    if body:find("locked") then locked = locked + 1 end
  end
end

done = function(summary, latency, requests)
  local f, l = 0, 0
  for _, t in ipairs(threads) do
    f = f + t:get("failed")
    l = l + t:get("locked")
  end
  local e = summary.errors
  f = f + e.connect + e.read + e.write + e.timeout
  io.write(string.format("writes: %d; failed: %d; locked: %d; p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, f, l, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
