-- wrk script of the API writers: run with as many threads as connections
-- (-t N -c N), so that each thread is one writer on one connection. Writer k
-- is line k of the file (token, commons slug, revision, tab-separated); it
-- PATCHes its commons from the revision its last answer gave. After an
-- answer that is not a 200 it reads its commons once (GET) to learn the
-- current revision, then goes on.
-- Usage: WRITERS_FILE=writers.tsv wrk -t N -c N -s writers.lua URL
local threads = {}
local count = 0
local writers = nil

statuses = {}
refreshes = 0

function setup(thread)
  if writers == nil then
    writers = {}
    for line in io.lines(os.getenv("WRITERS_FILE")) do
      local token, slug, revision = line:match("^(%S+)\t(%S+)\t(%d+)$")
      if token then writers[#writers + 1] = {token, slug, revision} end
    end
  end
  count = count + 1
  local writer = writers[((count - 1) % #writers) + 1]
  thread:set("token", writer[1])
  thread:set("slug", writer[2])
  thread:set("revision", tonumber(writer[3]))
  table.insert(threads, thread)
end

local refresh = false
local edits = 0

function init(args)
  path = "/api/1/commons/" .. slug .. "/"
end

function request()
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }
  if refresh then
    return wrk.format("GET", path, headers)
  end
  edits = edits + 1
  local body = string.format(
    '{"base_revision": %d, "summary": "Résumé révisé par la charge, %d.", ' ..
    '"tags": ["charge", "essai-%d"]}', revision, edits, edits % 7)
  return wrk.format("PATCH", path, headers, body)
end

function response(status, headers, body)
  if refresh then
    refreshes = refreshes + 1
  else
    statuses[status] = (statuses[status] or 0) + 1
  end
  if status == 200 then
    local number = body:match('"revision"%s*:%s*(%d+)')
    if number then revision = tonumber(number) end
    refresh = false
  else
    refresh = true
  end
end

function done(summary, latency, requests)
  local total, all_refreshes = {}, 0
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("statuses") or {}) do
      total[key] = (total[key] or 0) + n
    end
    all_refreshes = all_refreshes + (thread:get("refreshes") or 0)
  end
  local parts = {}
  for key, n in pairs(total) do
    parts[#parts + 1] = string.format('"%d": %d', key, n)
  end
  local e = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %d, "duration_us": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"timeouts": %d, "status_errors": %d, "statuses": {%s}, "refreshes": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status,
    table.concat(parts, ", "), all_refreshes))
end
