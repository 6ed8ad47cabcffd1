// SPDX-License-Identifier: MIT
#include "core/time/rfc3339.hpp"

#include <optional>

namespace hooks::time {
namespace {

using std::chrono::system_clock;

// Reads RFC 3339 a piece at a time.
struct Cursor {
    std::string_view text;
    size_t pos = 0;

    bool at_end() const { return pos == text.size(); }

    // Consumes one of `choices` if it comes next.
    bool skip(std::string_view choices) {
        if (pos < text.size() && choices.find(text[pos]) != std::string_view::npos) {
            ++pos;
            return true;
        }
        return false;
    }

    // Consumes exactly `count` digits into `value`.
    bool digits(size_t count, int& value) {
        value = 0;
        for (size_t i = 0; i < count; ++i, ++pos) {
            if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') {
                return false;
            }
            value = value * 10 + (text[pos] - '0');
        }
        return true;
    }

    // Consumes a fraction's digits (at least one) and returns the first three as milliseconds.
    bool fraction_millis(int& millis) {
        millis = 0;
        size_t first = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (pos - first < 3) {
                millis = millis * 10 + (text[pos] - '0');
            }
            ++pos;
        }
        for (size_t count = pos - first; count < 3; ++count) {
            millis *= 10;
        }
        return pos > first;
    }
};

// The offset east of UTC in minutes, from 'Z' or "+HH:MM" / "-HH:MM".
std::optional<int> read_offset_minutes(Cursor& cursor) {
    if (cursor.skip("Zz")) {
        return 0;
    }
    bool is_negative = cursor.pos < cursor.text.size() && cursor.text[cursor.pos] == '-';
    int hours = 0;
    int minutes = 0;
    if (!cursor.skip("+-") || !cursor.digits(2, hours) || !cursor.skip(":") ||
        !cursor.digits(2, minutes) || hours > 23 || minutes > 59) {
        return std::nullopt;
    }
    return (is_negative ? -1 : 1) * (hours * 60 + minutes);
}

} // namespace

Result<system_clock::time_point> parse_rfc3339(std::string_view text) {
    using namespace std::chrono;
    Cursor cursor{text};
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int millis = 0;
    bool is_well_formed = cursor.digits(4, year) && cursor.skip("-") && cursor.digits(2, month) &&
                          cursor.skip("-") && cursor.digits(2, day) && cursor.skip("Tt") &&
                          cursor.digits(2, hour) && cursor.skip(":") && cursor.digits(2, minute) &&
                          cursor.skip(":") && cursor.digits(2, second) &&
                          (!cursor.skip(".") || cursor.fraction_millis(millis));
    std::optional<int> offset = is_well_formed ? read_offset_minutes(cursor) : std::nullopt;
    year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                        std::chrono::day(static_cast<unsigned>(day))};
    // second 60 is a leap second; it counts on into the next minute.
    if (!offset || !cursor.at_end() || !date.ok() || hour > 23 || minute > 59 || second > 60) {
        return fail(ErrorKind::input, "expected an RFC 3339 time such as 2026-11-23T13:20:00.123Z");
    }
    milliseconds since_epoch = sys_days(date).time_since_epoch() + hours(hour) +
                               minutes(minute - *offset) + seconds(second) + milliseconds(millis);
    // system_clock counts nanoseconds in 64 bits: about 292 years either side of 1970.
    auto limit = duration_cast<milliseconds>(system_clock::duration::max());
    if (since_epoch > limit || since_epoch < -limit) {
        return fail(ErrorKind::input, "time is outside the range this system can hold");
    }
    return system_clock::time_point(duration_cast<system_clock::duration>(since_epoch));
}

} // namespace hooks::time
