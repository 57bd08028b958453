// Times as history keeps them: ISO 8601 UTC to the millisecond
// ("2026-11-26T12:00:00.123Z"), which sort as text in time order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chatctl {

// Milliseconds since 1970-01-01T00:00:00Z.
int64_t now_ms();
std::string iso8601_ms(int64_t ms);
std::string now_utc_iso8601();
// A time as history keeps it, in local time ($TZ) to the second, with its offset:
// "2026-11-26 13:00:00 +01:00". Text that is not such a time is returned as it is.
std::string local_time(std::string_view utc);

// A bound of a time range as --since and --until take it: an ISO 8601 date or time
// ("2026-11-26", "2026-11-26T09:30", "2026-11-26T09:30:00.250+01:00"; UTC when no offset
// is given), a time ago ("90s", "30m", "2h", "7d", "2w"), or "today" or "yesterday" (in
// local time, $TZ: from that day's midnight to the next). The first instant it names,
// or with `end` the last (so that `--until 2026-11-26` takes in the whole day). Anything
// else is invalid input naming the field.
std::string time_bound(std::string_view text, std::string_view field, bool end,
                       int64_t now = now_ms());

} // namespace chatctl
