package dev.herald.redis.internal;

/**
 * The Lua scripts that keep the log (a stream) and its id index (a hash, id to stream id) in step.
 * Each runs atomically in Redis, so two instances publishing the same id at once store it once.
 *
 * <p>Keys: 1 the stream, 2 the hash, 3 a counter that numbers the entries ({@code s}), so that a
 * reader can tell it missed entries (trimmed before it read them, or lost by Redis). Arguments: 1
 * the update's id (empty: trim only), 2 the encoded update, 3 the most entries kept, 4 the longest
 * age kept in milliseconds (0: no limit). Returns {@code {1, streamId}} when appended, {@code {0,
 * streamId}} when the id was held already, {@code {0, ""}} after a trim only.
 *
 * <p>Trimming reads the entries it drops so that their ids leave the index too: at most as many as
 * the publish made too many (one, once the log is full), plus the expired ones.
 */
final class Scripts {
  static final String PUBLISH =
      """
      local maxlen = tonumber(ARGV[3])
      local maxage = tonumber(ARGV[4])
      local function forget(entries)
        for i = 1, #entries do
          local fields = entries[i][2]
          for j = 1, #fields, 2 do
            if fields[j] == 'i' then
              if redis.call('HGET', KEYS[2], fields[j + 1]) == entries[i][1] then
                redis.call('HDEL', KEYS[2], fields[j + 1])
              end
            end
          end
        end
      end
      local result = {0, ''}
      if ARGV[1] ~= '' then
        local held = redis.call('HGET', KEYS[2], ARGV[1])
        if held then
          return {0, held}
        end
        local seq = redis.call('INCR', KEYS[3])
        local sid = redis.call('XADD', KEYS[1], '*', 'i', ARGV[1], 's', seq, 'u', ARGV[2])
        redis.call('HSET', KEYS[2], ARGV[1], sid)
        result = {1, sid}
      end
      local len = redis.call('XLEN', KEYS[1])
      if len > maxlen then
        forget(redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', len - maxlen))
        redis.call('XTRIM', KEYS[1], 'MAXLEN', maxlen)
      end
      if maxage > 0 then
        local now = redis.call('TIME')
        local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - maxage
        if oldest > 0 then
          local minid = string.format('%d', oldest) .. '-0'
          forget(redis.call('XRANGE', KEYS[1], '-', '(' .. minid))
          redis.call('XTRIM', KEYS[1], 'MINID', minid)
        end
      end
      return result
      """;

  private Scripts() {}
}
