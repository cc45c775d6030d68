package dev.poolkit.queue.internal;

/**
 * The Lua scripts that make each of the queue's steps atomic on the server. Keys are passed as
 * KEYS (all of a job's keys share one hash tag, so they live in one slot). Item fingerprints are
 * computed here, on the server ({@code sha1hex} of the canonical item, first 16 hex digits: 64
 * bits), so every client of a job agrees on them whatever its language.
 */
final class Scripts {
    private Scripts() {}

    /** The consumer group of every job's items stream; the scripts name it as a literal. */
    static final String GROUP = "poolkit";

    /**
     * Push. KEYS: items, seen. ARGV: maxItems (-1: none), then per item: canonical, item, depth,
     * parent ('' for none). An item whose fingerprint is new to the job is added to the items
     * stream; the rest are dropped. Returns how many were taken.
     */
    static final String PUSH = """
            local max = tonumber(ARGV[1])
            local taken = 0
            for i = 2, #ARGV, 4 do
              if max >= 0 and redis.call('SCARD', KEYS[2]) >= max then break end
              local fp = string.sub(redis.sha1hex(ARGV[i]), 1, 16)
              if redis.call('SADD', KEYS[2], fp) == 1 then
                if ARGV[i + 3] == '' then
                  redis.call('XADD', KEYS[1], '*', 'item', ARGV[i + 1], 'depth', ARGV[i + 2], 'fp', fp)
                else
                  redis.call('XADD', KEYS[1], '*', 'item', ARGV[i + 1], 'depth', ARGV[i + 2], 'fp', fp, 'parent', ARGV[i + 3])
                end
                taken = taken + 1
              end
            end
            return taken
            """;

    /**
     * Done: the records and the acknowledgements of a batch, one step. KEYS: items, done, results,
     * stats. ARGV: consumer, then per item: entry id, fingerprint, item, record, ok ('1' or '0').
     * A record is written only if its item has none yet (the done set, and the batch itself), so
     * an item finished by two consumers (one of them after a claim) has one record. Every entry
     * is acknowledged either way. The only command an item pays for alone is its record's XADD:
     * the done set is asked once (SMISMEMBER) and added to once (SADD), the entries acknowledged
     * in one XACK, the counters moved by one HINCRBY each, for the whole batch (five commands an
     * item cost ~16 us of server time per item). Returns how many records were written.
     */
    static final String DONE = """
            local ids, fps = {}, {}
            for i = 2, #ARGV, 5 do
              ids[#ids + 1] = ARGV[i]
              fps[#fps + 1] = ARGV[i + 1]
            end
            -- unpack() is bounded by Lua's stack (~8000): the client sends at most 500 a batch.
            local had = redis.call('SMISMEMBER', KEYS[2], unpack(fps))
            local fresh, taken = {}, {}
            local ok = 0
            for k = 1, #fps do
              local fp = fps[k]
              if had[k] == 0 and not taken[fp] then
                taken[fp] = true
                fresh[#fresh + 1] = fp
                local i = 2 + (k - 1) * 5
                redis.call('XADD', KEYS[3], '*', 'item', ARGV[i + 2], 'record', ARGV[i + 3])
                if ARGV[i + 4] == '1' then ok = ok + 1 end
              end
            end
            local wrote = #fresh
            if wrote > 0 then redis.call('SADD', KEYS[2], unpack(fresh)) end
            redis.call('XACK', KEYS[1], 'poolkit', unpack(ids))
            if ok > 0 then redis.call('HINCRBY', KEYS[4], 'ok', ok) end
            if wrote > ok then redis.call('HINCRBY', KEYS[4], 'failed', wrote - ok) end
            if wrote > 0 then redis.call('HINCRBY', KEYS[4], 'by:' .. ARGV[1], wrote) end
            return wrote
            """;

    /**
     * Poison: an entry delivered too often without a record. KEYS: items, done, results, stats,
     * dead. ARGV: entry id, fingerprint, item, depth, parent, record, deliveries, why. Writes its
     * failure record and a dead letter (which names the record's id, for retry-dead), unless the
     * item has its record already; acknowledges the entry either way. Returns 1 if it was dead-lettered.
     */
    static final String POISON = """
            local dead = 0
            if redis.call('SADD', KEYS[2], ARGV[2]) == 1 then
              local rid = redis.call('XADD', KEYS[3], '*', 'item', ARGV[3], 'record', ARGV[6])
              redis.call('HINCRBY', KEYS[4], 'failed', 1)
              redis.call('XADD', KEYS[5], '*', 'item', ARGV[3], 'depth', ARGV[4], 'parent', ARGV[5], 'fp', ARGV[2],
                'deliveries', ARGV[7], 'why', ARGV[8], 'result', rid)
              dead = 1
            end
            redis.call('XACK', KEYS[1], 'poolkit', ARGV[1])
            return dead
            """;

    /**
     * Claim. KEYS: items, done. ARGV: consumer, min idle ms, cursor, count. XAUTOCLAIMs entries
     * idle past min idle; an entry whose item has its record already is acknowledged and left out.
     * Returns {next cursor, {id, fields, deliveries}...}.
     */
    static final String CLAIM = """
            local r = redis.call('XAUTOCLAIM', KEYS[1], 'poolkit', ARGV[1], ARGV[2], ARGV[3], 'COUNT', ARGV[4])
            local out = {r[1]}
            for _, e in ipairs(r[2]) do
              if e[2] then
                local fp = nil
                for k = 1, #e[2], 2 do if e[2][k] == 'fp' then fp = e[2][k + 1] end end
                if fp and redis.call('SISMEMBER', KEYS[2], fp) == 1 then
                  redis.call('XACK', KEYS[1], 'poolkit', e[1])
                else
                  local p = redis.call('XPENDING', KEYS[1], 'poolkit', e[1], e[1], 1)
                  local n = 1
                  if p[1] then n = p[1][4] end
                  table.insert(out, {e[1], e[2], n})
                end
              end
            end
            return out
            """;

    /**
     * Renew. KEYS: items. ARGV: consumer, ids... Resets the idle time of each entry this consumer
     * still owns (XCLAIM min idle 0 JUSTID: the delivery count stays), so a slow but live worker
     * keeps its claim. An entry another consumer has claimed meanwhile is not taken back.
     * Returns the ids no longer owned.
     */
    static final String RENEW = """
            local lost = {}
            for i = 2, #ARGV do
              local p = redis.call('XPENDING', KEYS[1], 'poolkit', ARGV[i], ARGV[i], 1)
              if p[1] and p[1][2] == ARGV[1] then
                redis.call('XCLAIM', KEYS[1], 'poolkit', ARGV[1], 0, ARGV[i], 'JUSTID')
              else
                table.insert(lost, ARGV[i])
              end
            end
            return lost
            """;

    /**
     * Release. KEYS: items. ARGV: consumer, to (the consumer that holds released entries), idle ms,
     * then per entry: id, deliveries to set ('' to keep). Hands each entry this consumer still owns
     * to {@code to} with a long idle time, so the next XAUTOCLAIM of any worker takes it: released
     * entries go back at once, not after claim-after. Returns how many were released.
     */
    static final String RELEASE = """
            local n = 0
            for i = 4, #ARGV, 2 do
              local p = redis.call('XPENDING', KEYS[1], 'poolkit', ARGV[i], ARGV[i], 1)
              if p[1] and p[1][2] == ARGV[1] then
                if ARGV[i + 1] == '' then
                  redis.call('XCLAIM', KEYS[1], 'poolkit', ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3], 'JUSTID')
                else
                  redis.call('XCLAIM', KEYS[1], 'poolkit', ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3], 'RETRYCOUNT', ARGV[i + 1], 'JUSTID')
                end
                n = n + 1
              end
            end
            return n
            """;

    /**
     * Terms. KEYS: terms. ARGV: this worker's terms. Sets them if the job has none yet; returns
     * the job's (the first worker's).
     */
    static final String TERMS = """
            local t = redis.call('GET', KEYS[1])
            if t then return t end
            redis.call('SET', KEYS[1], ARGV[1])
            return ARGV[1]
            """;

    /**
     * Pushing. KEYS: pushing. ARGV: the push's id, millis (0: the push is over). The pushes going
     * on are a sorted set, each scored with when it expires (server time, ms), so that two pushes
     * at once each hold the job open until their own end, and a killed one stops holding it
     * {@code millis} after its last renewal. The key expires with the latest of them.
     */
    static final String PUSHING = """
            if redis.call('TYPE', KEYS[1])['ok'] == 'string' then redis.call('DEL', KEYS[1]) end
            local ms = tonumber(ARGV[2])
            if ms <= 0 then
              redis.call('ZREM', KEYS[1], ARGV[1])
              return 0
            end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[1], now + ms, ARGV[1])
            local last = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            redis.call('PEXPIREAT', KEYS[1], last[2])
            return 1
            """;

    /**
     * Where the job is. KEYS: seen, done, items, pushing. Returns {items taken, items with a
     * record, entries pending (delivered, not acknowledged), 1 if a push is going on: one not
     * past its expiry in the pushing set (a plain string there: a push of a poolkit before it was a set)}.
     */
    static final String PROGRESS = """
            local p = redis.call('XPENDING', KEYS[3], 'poolkit')
            local pushing = 0
            local ty = redis.call('TYPE', KEYS[4])['ok']
            if ty == 'string' then
              pushing = 1
            elseif ty == 'zset' then
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              if redis.call('ZCOUNT', KEYS[4], now, '+inf') > 0 then pushing = 1 end
            end
            return {redis.call('SCARD', KEYS[1]), redis.call('SCARD', KEYS[2]), p[1], pushing}
            """;

    /**
     * Retry dead. KEYS: dead, done, results, items, stats. ARGV: count. Moves up to count dead
     * letters back to the items stream: their poison record is deleted from the results and the
     * item from the done set, so it ends with one record again. Returns how many were moved.
     */
    static final String RETRY_DEAD = """
            local es = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[1])
            for _, e in ipairs(es) do
              local f = {}
              for k = 1, #e[2], 2 do f[e[2][k]] = e[2][k + 1] end
              redis.call('SREM', KEYS[2], f['fp'])
              if f['result'] then redis.call('XDEL', KEYS[3], f['result']) end
              redis.call('HINCRBY', KEYS[5], 'failed', -1)
              if f['parent'] and f['parent'] ~= '' then
                redis.call('XADD', KEYS[4], '*', 'item', f['item'], 'depth', f['depth'], 'fp', f['fp'], 'parent', f['parent'])
              else
                redis.call('XADD', KEYS[4], '*', 'item', f['item'], 'depth', f['depth'], 'fp', f['fp'])
              end
              redis.call('XDEL', KEYS[1], e[1])
            end
            return #es
            """;
}
