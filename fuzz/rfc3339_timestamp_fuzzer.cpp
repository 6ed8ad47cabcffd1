// SPDX-License-Identifier: MIT
// RFC 3339 timestamps (Twitch, profiles with "timestamp_unit": "rfc3339"): what parses is in
// system_clock's range and formats to text that parses back to the same millisecond, as does
// any time in that range; 't' and 'z' read as 'T' and 'Z'.
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

// system_clock counts nanoseconds in 64 bits: 1677-09-21 to 2262-04-11.
constexpr long long k_limit_millis = 9'223'372'036'854LL;

void check_round_trip(UnixMillis time) {
    std::string text = hooks::providers::format_timestamp(time, TimestampUnit::rfc3339);
    // "2026-11-23T13:20:00Z" with up to three fraction digits.
    HOOKS_FUZZ_CHECK(text.size() >= 20 && text.size() <= 24 && text.back() == 'Z');
    auto parsed = hooks::providers::parse_timestamp(text, TimestampUnit::rfc3339);
    if (!parsed || *parsed != time) {
        std::fprintf(stderr, "%lld ms formats as %s\n", static_cast<long long>(time.count()),
                     text.c_str());
    }
    HOOKS_FUZZ_CHECK(parsed.has_value() && *parsed == time);
}

void check_parse(std::string_view text) {
    auto parsed = hooks::providers::parse_timestamp(text, TimestampUnit::rfc3339);
    std::string lower(text);
    std::replace(lower.begin(), lower.end(), 'T', 't');
    std::replace(lower.begin(), lower.end(), 'Z', 'z');
    auto parsed_lower = hooks::providers::parse_timestamp(lower, TimestampUnit::rfc3339);
    HOOKS_FUZZ_CHECK(parsed.has_value() == parsed_lower.has_value());
    if (!parsed) {
        HOOKS_FUZZ_CHECK(parsed.error().message.find('\n') == std::string::npos);
        return;
    }
    HOOKS_FUZZ_CHECK(*parsed == *parsed_lower);
    HOOKS_FUZZ_CHECK(text.size() >= 20);
    HOOKS_FUZZ_CHECK(parsed->count() >= -k_limit_millis && parsed->count() <= k_limit_millis);
    check_round_trip(*parsed);

    // The skew verify() computes against a fixed clock must not overflow either way.
    hooks::providers::VerifyResult result;
    result.is_valid = true;
    hooks::providers::apply_tolerance(result, *parsed, UnixMillis(1'700'000'000'000LL),
                                      std::chrono::seconds(600), true);
    HOOKS_FUZZ_CHECK(result.skew_seconds.has_value());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    check_parse(std::string_view(reinterpret_cast<const char*>(data), size));
    if (size >= sizeof(long long)) {
        long long millis = 0;
        std::memcpy(&millis, data, sizeof(millis));
        check_round_trip(UnixMillis(millis % (k_limit_millis + 1)));
    }
    return 0;
}
