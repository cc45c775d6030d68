package dev.poolkit.queue.internal;

/**
 * The Lua scripts of a job's per-host limits ({@link GateStore}), each one atomic step on the
 * server. Every time is the server's ({@code TIME}, in microseconds), never a worker's clock, so
 * that machines whose clocks differ still agree on an expiry, a pause and a rate. Keys per host
 * {@code H} (all under the job's hash tag):
 * <ul>
 *   <li>{@code gate:H}: hash of {@code next} (the earliest start of the next request: a GCRA
 *   theoretical arrival time with no burst), {@code gap} (the longest Crawl-delay any worker
 *   was told of) and {@code pause} (the end of a Retry-After pause);</li>
 *   <li>{@code gate:H:leases}: sorted set of the requests in flight, member = lease id, score =
 *   its expiry; an expired lease is removed by the next acquire, so a dead holder's permit comes
 *   back after one lease time.</li>
 * </ul>
 * and {@code gate:pauses}, the job's pauses by host (score = their end), which every worker reads
 * now and then so that a pause reaches even the workers that ask Redis for nothing else.
 * Each key expires {@code keyTtl} after its last use (longer while a pause lasts): a dead job
 * leaves nothing for ever.
 */
final class GateScripts {
    private GateScripts() {}

    /** Lua: the server's time in microseconds (a double holds it exactly: below 2^53). */
    private static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local function num(x) return string.format('%.0f', x) end
            """;

    /**
     * Acquire. KEYS: gate, leases. ARGV: lease id, perHost (0: no limit), gap in us (the rate's
     * gap, jittered, or this worker's Crawl-delay, whichever is longer; 0: none), lease time in
     * us, key time in ms, longest wait to hint while full, in us.
     * Returns {kind, wait us}:
     * {0, w}: granted, start in w us (the rate's slot is reserved: no second round trip);
     * {1, w}: paused for w us more; {2, w}: perHost in flight, ask again in w us at most.
     */
    static final String ACQUIRE = NOW + """
            local st = redis.call('HMGET', KEYS[1], 'pause', 'next', 'gap')
            local pause = tonumber(st[1]) or 0
            if pause > now then return {1, pause - now} end
            local per = tonumber(ARGV[2])
            if per > 0 then
              redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', num(now))
              if redis.call('ZCARD', KEYS[2]) >= per then
                local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
                return {2, math.max(0, math.min(tonumber(first[2]) - now, tonumber(ARGV[6])))}
              end
            end
            local gap = math.max(tonumber(ARGV[3]), tonumber(st[3]) or 0)
            local start = now
            if gap > 0 then
              start = math.max(now, tonumber(st[2]) or 0)
              redis.call('HSET', KEYS[1], 'next', num(start + gap))
              if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[5]) then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
            end
            if per > 0 then
              redis.call('ZADD', KEYS[2], num(start + tonumber(ARGV[4])), ARGV[1])
              redis.call('PEXPIRE', KEYS[2], ARGV[5])
            end
            return {0, start - now}
            """;

    /** Release. KEYS: leases. ARGV: lease ids. Returns how many were still held. */
    static final String RELEASE = """
            return redis.call('ZREM', KEYS[1], unpack(ARGV))
            """;

    /**
     * Pause. KEYS: gate, pauses. ARGV: host, pause in us, key time in ms. The host's pause ends
     * no sooner than now + pause (a longer one already set stays). Returns the pause's end, us.
     */
    static final String PAUSE = NOW + """
            local untilAt = now + tonumber(ARGV[2])
            local cur = tonumber(redis.call('HGET', KEYS[1], 'pause')) or 0
            if untilAt > cur then
              redis.call('HSET', KEYS[1], 'pause', num(untilAt))
              redis.call('ZADD', KEYS[2], num(untilAt), ARGV[1])
            else
              untilAt = cur
            end
            local keep = math.max(tonumber(ARGV[3]), math.ceil((untilAt - now) / 1000) + 60000)
            for _, k in ipairs(KEYS) do
              if redis.call('PTTL', k) < keep then redis.call('PEXPIRE', k, keep) end
            end
            return untilAt
            """;

    /** Gap (a Crawl-delay). KEYS: gate. ARGV: gap in us, key time in ms. Keeps the longest. */
    static final String GAP = """
            local cur = tonumber(redis.call('HGET', KEYS[1], 'gap')) or 0
            if tonumber(ARGV[1]) > cur then redis.call('HSET', KEYS[1], 'gap', ARGV[1]) end
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return 1
            """;

    /**
     * Tick: renew this worker's leases and read the job's pauses. KEYS: pauses, then the leases
     * keys. ARGV: lease time in us, key time in ms, then per lease: its key's index in KEYS, its
     * id. A lease is only moved later, and only while it exists (one that expired stays gone).
     * Returns {host, pause left in us, ...} for the pauses not over.
     */
    static final String TICK = NOW + """
            local expiry = num(now + tonumber(ARGV[1]))
            for i = 3, #ARGV, 2 do
              local k = KEYS[tonumber(ARGV[i])]
              redis.call('ZADD', k, 'XX', 'GT', expiry, ARGV[i + 1])
              if redis.call('PTTL', k) < tonumber(ARGV[2]) then redis.call('PEXPIRE', k, ARGV[2]) end
            end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', num(now))
            local out = {}
            local p = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
            for i = 1, #p, 2 do
              table.insert(out, p[i])
              table.insert(out, tonumber(p[i + 1]) - now)
            end
            return out
            """;
}
