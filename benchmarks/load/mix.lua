-- wrk script of the read mix: cycles through the paths of a file (one a
-- line, already weighted and shuffled), counts the answers by status and,
-- second by second, the answers that are not 2xx/3xx, and prints one JSON
-- line at the end. Usage: wrk -s mix.lua URL -- paths.txt
local paths = {}
local counter = 0
local threads = {}
statuses = {}
bad_seconds = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  counter = math.random(#paths) -- each thread starts elsewhere in the list
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 400 then
    local second = os.time()
    bad_seconds[second] = (bad_seconds[second] or 0) + 1
  end
end

local function merged(name)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get(name) or {}) do
      total[key] = (total[key] or 0) + count
    end
  end
  local parts = {}
  for key, count in pairs(total) do
    parts[#parts + 1] = string.format('"%d": %d', key, count)
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %d, "duration_us": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"timeouts": %d, "status_errors": %d, "statuses": %s, "bad_seconds": %s}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status,
    merged("statuses"), merged("bad_seconds")))
end
