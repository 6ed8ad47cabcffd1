// SPDX-License-Identifier: MIT
// Command-line durations: what parses is 0 to 30 days, and spelling the same number another way
// (bare number for seconds, leading or trailing zeros) gives the same value. format_duration is
// exact below a minute (it parses back to the same value); from a minute on it writes whole
// seconds as "1h30m5s", whose components each parse and add up to the value less its
// milliseconds.
#include "core/text/duration.hpp"
#include "fuzz_target.hpp"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using std::chrono::milliseconds;

constexpr std::int64_t k_max_millis = 30LL * 24 * 3600 * 1000;
constexpr std::int64_t k_minute_millis = 60'000;
// parse_duration reads at most this many digits and points.
constexpr std::size_t k_max_number_length = 24;

std::int64_t millis_of(std::string_view text) {
    auto parsed = hooks::text::parse_duration(text);
    HOOKS_FUZZ_CHECK(parsed.has_value());
    return parsed->count();
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The same number written differently must mean the same duration.
void check_spellings(std::string_view text, std::int64_t millis) {
    std::size_t number_end = text.find_first_not_of("0123456789.");
    std::string_view number = text.substr(0, number_end);
    std::string suffix(number_end == std::string_view::npos ? "" : text.substr(number_end));
    if (suffix.empty()) {
        HOOKS_FUZZ_CHECK(millis_of(std::string(number) + "s") == millis);
    }
    if (number.size() < k_max_number_length) {
        HOOKS_FUZZ_CHECK(millis_of("0" + std::string(number) + suffix) == millis);
        if (number.find('.') != std::string_view::npos) {
            HOOKS_FUZZ_CHECK(millis_of(std::string(number) + "0" + suffix) == millis);
        }
    }
}

void check_parse(std::string_view text) {
    auto parsed = hooks::text::parse_duration(text);
    if (!parsed) {
        // The message follows `hooks: error: ` on one line.
        HOOKS_FUZZ_CHECK(parsed.error().kind == hooks::ErrorKind::usage);
        HOOKS_FUZZ_CHECK(parsed.error().message.find_first_of("\r\n") == std::string::npos);
        return;
    }
    HOOKS_FUZZ_CHECK(parsed->count() >= 0 && parsed->count() <= k_max_millis);
    HOOKS_FUZZ_CHECK(!text.empty() && (is_digit(text.front()) || text.front() == '.'));
    check_spellings(text, parsed->count());
}

// Adds up "1h30m5s" one component at a time, each parsed on its own. Components come in the
// order h, m, s, each at least 1, minutes and seconds below 60.
std::int64_t sum_components(std::string_view text) {
    std::int64_t total = 0;
    std::string_view units_left = "hms";
    while (!text.empty()) {
        std::size_t unit_at = 0;
        while (unit_at < text.size() && is_digit(text[unit_at])) {
            ++unit_at;
        }
        HOOKS_FUZZ_CHECK(unit_at > 0 && unit_at < text.size());
        std::size_t unit_in_order = units_left.find(text[unit_at]);
        HOOKS_FUZZ_CHECK(unit_in_order != std::string_view::npos);
        units_left.remove_prefix(unit_in_order + 1);
        char unit = text[unit_at];
        std::int64_t value = millis_of(text.substr(0, unit_at + 1));
        HOOKS_FUZZ_CHECK(value > 0);
        if (unit != 'h') {
            HOOKS_FUZZ_CHECK(value < (unit == 'm' ? 60 : 1) * k_minute_millis);
        }
        total += value;
        text.remove_prefix(unit_at + 1);
    }
    return total;
}

void check_format(std::int64_t millis) {
    std::string text = hooks::text::format_duration(milliseconds(millis));
    HOOKS_FUZZ_CHECK(!text.empty());
    if (millis < k_minute_millis) {
        HOOKS_FUZZ_CHECK(millis_of(text) == millis);
        return;
    }
    HOOKS_FUZZ_CHECK(text.find('.') == std::string::npos);
    HOOKS_FUZZ_CHECK(sum_components(text) == millis / 1000 * 1000);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_parse(input);
    if (auto parsed = hooks::text::parse_duration(input)) {
        check_format(parsed->count());
    }
    // Any duration in range, not only those that parse from the input's text.
    if (size >= sizeof(std::uint64_t)) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, data, sizeof(bits));
        check_format(static_cast<std::int64_t>(bits % (k_max_millis + 1)));
    }
    return 0;
}
