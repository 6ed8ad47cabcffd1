// SPDX-License-Identifier: MIT
#include "core/text/duration.hpp"

#include "core/text/text.hpp"

#include <array>
#include <cstdint>

namespace hooks::text {
namespace {

constexpr std::int64_t k_max_millis = 30LL * 24 * 3600 * 1000;

struct Unit {
    std::string_view suffix;
    std::int64_t millis;
};

constexpr std::array<Unit, 4> k_units = {{{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};

tl::unexpected<Error> bad(std::string_view text) {
    return fail(ErrorKind::usage,
                "invalid duration '" + printable(text) +
                    "': expected a number with ms, s, m or h, such as 500ms or 5s");
}

} // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::size_t digits_end = 0;
    bool has_point = false;
    std::size_t digit_count = 0;
    while (digits_end < text.size()) {
        char c = text[digits_end];
        if (c >= '0' && c <= '9') {
            ++digit_count;
        } else if (c == '.' && !has_point) {
            has_point = true;
        } else {
            break;
        }
        ++digits_end;
    }
    if (digit_count == 0 || digits_end > 24) {
        return bad(text);
    }
    std::string_view suffix = text.substr(digits_end);
    std::int64_t unit = suffix.empty() ? 1000 : 0;
    for (const Unit& candidate : k_units) {
        if (suffix == candidate.suffix) {
            unit = candidate.millis;
        }
    }
    if (unit == 0) {
        return bad(text);
    }
    // Integer part and up to three decimals, exactly: no floating point rounding surprises.
    std::string_view number = text.substr(0, digits_end);
    auto point = number.find('.');
    std::string_view whole = number.substr(0, point);
    std::string_view fraction =
        point == std::string_view::npos ? std::string_view() : number.substr(point + 1);
    std::int64_t whole_value = 0;
    for (char c : whole) {
        whole_value = whole_value * 10 + (c - '0');
        if (whole_value * unit > k_max_millis) {
            return fail(ErrorKind::usage,
                        "duration '" + printable(text) + "' is longer than 30 days");
        }
    }
    std::int64_t millis = whole_value * unit;
    std::int64_t scale = unit;
    for (char c : fraction) {
        if (scale < 10) {
            break; // below a millisecond
        }
        scale /= 10;
        millis += (c - '0') * scale;
    }
    if (millis > k_max_millis) {
        return fail(ErrorKind::usage, "duration '" + printable(text) + "' is longer than 30 days");
    }
    return std::chrono::milliseconds(millis);
}

std::string format_duration(std::chrono::milliseconds duration) {
    auto millis = duration.count();
    if (millis < 1000) {
        return std::to_string(millis) + "ms";
    }
    if (millis < 60'000) {
        std::string text = std::to_string(millis / 1000);
        if (auto rest = millis % 1000; rest != 0) {
            std::string decimals = std::to_string(1000 + rest).substr(1);
            while (decimals.back() == '0') {
                decimals.pop_back();
            }
            text += "." + decimals;
        }
        return text + "s";
    }
    std::string text;
    if (millis >= 3'600'000) {
        text += std::to_string(millis / 3'600'000) + "h";
        millis %= 3'600'000;
    }
    if (millis >= 60'000) {
        text += std::to_string(millis / 60'000) + "m";
        millis %= 60'000;
    }
    if (millis >= 1000) {
        text += std::to_string(millis / 1000) + "s";
    }
    return text;
}

} // namespace hooks::text
