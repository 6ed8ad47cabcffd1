// SPDX-License-Identifier: MIT
// UNIX timestamps in seconds and milliseconds: what parses is 1-16 digits and formats back to
// the same number; what formats parses back to the same time; tolerance checks never overflow.
#include "core/providers/timestamp.hpp"
#include "core/providers/verify_support.hpp"
#include "fuzz_target.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using hooks::providers::TimestampUnit;
using hooks::providers::UnixMillis;

constexpr long long k_max_millis = 9'999'999'999'999'999LL;

std::string without_leading_zeros(std::string_view digits) {
    size_t first = digits.find_first_not_of('0');
    return first == std::string_view::npos ? "0" : std::string(digits.substr(first));
}

void check_parse(std::string_view text, TimestampUnit unit) {
    auto parsed = hooks::providers::parse_timestamp(text, unit);
    if (!parsed) {
        return;
    }
    HOOKS_FUZZ_CHECK(!text.empty() && text.size() <= 16);
    HOOKS_FUZZ_CHECK(
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }));
    HOOKS_FUZZ_CHECK(parsed->count() >= 0 && parsed->count() <= k_max_millis);
    HOOKS_FUZZ_CHECK(hooks::providers::format_timestamp(*parsed, unit) ==
                     without_leading_zeros(text));

    // The same check verify() makes: a skew against a fixed clock, both ways, must not overflow.
    for (bool rejects_future : {false, true}) {
        hooks::providers::VerifyResult result;
        result.is_valid = true;
        hooks::providers::apply_tolerance(result, *parsed, UnixMillis(1'700'000'000'000LL),
                                          std::chrono::seconds(300), rejects_future);
        HOOKS_FUZZ_CHECK(result.skew_seconds.has_value());
    }
}

// Any time in range formats to digits that parse back to it (seconds round down).
void check_format(long long millis) {
    UnixMillis time(millis);
    for (TimestampUnit unit : {TimestampUnit::seconds, TimestampUnit::milliseconds}) {
        std::string text = hooks::providers::format_timestamp(time, unit);
        auto parsed = hooks::providers::parse_timestamp(text, unit);
        if (millis < 0) {
            HOOKS_FUZZ_CHECK(!parsed);
            continue;
        }
        HOOKS_FUZZ_CHECK(parsed.has_value());
        long long expected = unit == TimestampUnit::seconds ? millis / 1000 * 1000 : millis;
        HOOKS_FUZZ_CHECK(parsed->count() == expected);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_parse(input, TimestampUnit::seconds);
    check_parse(input, TimestampUnit::milliseconds);
    if (size >= sizeof(long long)) {
        long long millis = 0;
        std::memcpy(&millis, data, sizeof(millis));
        check_format(millis % (k_max_millis + 1));
    }
    return 0;
}
