// SPDX-License-Identifier: MIT
#include "core/providers/timestamp.hpp"

#include <charconv>

namespace hooks::providers {

Result<UnixMillis> parse_unix_timestamp(std::string_view text, TimestampUnit unit) {
    // 16 digits of milliseconds is year 2286; more than that cannot be a real send time and
    // would overflow once converted.
    constexpr size_t k_max_digits = 16;
    if (text.empty() || text.size() > k_max_digits) {
        return fail(ErrorKind::input, "timestamp must be 1 to 16 digits");
    }
    for (char c : text) {
        if (c < '0' || c > '9') {
            return fail(ErrorKind::input, "timestamp contains a character that is not a digit");
        }
    }
    long long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return fail(ErrorKind::input, "timestamp is out of range");
    }
    if (unit == TimestampUnit::seconds) {
        constexpr long long k_max_seconds = 9'999'999'999'999LL;
        if (value > k_max_seconds) {
            return fail(ErrorKind::input, "timestamp is out of range");
        }
        return UnixMillis(value * 1000);
    }
    return UnixMillis(value);
}

std::string format_unix_timestamp(UnixMillis time, TimestampUnit unit) {
    if (unit == TimestampUnit::seconds) {
        return std::to_string(std::chrono::floor<std::chrono::seconds>(time).count());
    }
    return std::to_string(time.count());
}

} // namespace hooks::providers
