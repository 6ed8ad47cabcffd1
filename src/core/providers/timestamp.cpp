// SPDX-License-Identifier: MIT
#include "core/providers/timestamp.hpp"

#include "core/time/rfc3339.hpp"

#include <charconv>
#include <cstdio>

namespace hooks::providers {

std::string_view unit_name(TimestampUnit unit) {
    switch (unit) {
    case TimestampUnit::seconds:
        return "seconds";
    case TimestampUnit::milliseconds:
        return "milliseconds";
    case TimestampUnit::rfc3339:
        return "rfc3339";
    }
    return "seconds";
}

Result<UnixMillis> parse_timestamp(std::string_view text, TimestampUnit unit) {
    if (unit == TimestampUnit::rfc3339) {
        auto time = time::parse_rfc3339(text);
        if (!time) {
            return tl::unexpected(time.error());
        }
        return std::chrono::duration_cast<UnixMillis>(time->time_since_epoch());
    }
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

std::string format_timestamp(UnixMillis time, TimestampUnit unit) {
    if (unit == TimestampUnit::rfc3339) {
        using namespace std::chrono;
        sys_days day = floor<days>(sys_time<milliseconds>(time));
        year_month_day date(day);
        hh_mm_ss clock(sys_time<milliseconds>(time) - day);
        char text[40];
        std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02lld", int(date.year()),
                      unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                      int(clock.minutes().count()),
                      static_cast<long long>(clock.seconds().count()));
        std::string out(text);
        if (long long millis = clock.subseconds().count(); millis != 0) {
            std::string fraction = std::to_string(1000 + millis).substr(1);
            fraction.erase(fraction.find_last_not_of('0') + 1);
            out += "." + fraction;
        }
        return out + "Z";
    }
    if (unit == TimestampUnit::seconds) {
        return std::to_string(std::chrono::floor<std::chrono::seconds>(time).count());
    }
    return std::to_string(time.count());
}

} // namespace hooks::providers
