// SPDX-License-Identifier: MIT
/// Parsing of the timestamps that signature schemes carry in headers: UNIX time in seconds or
/// milliseconds, or RFC 3339 text (Twitch).
#pragma once

#include "core/error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace hooks::providers {

/// How a provider writes its timestamps.
enum class TimestampUnit { seconds, milliseconds, rfc3339 };

/// "seconds", "milliseconds", "rfc3339"
std::string_view unit_name(TimestampUnit unit);

/// A point in time with millisecond precision, as UNIX time.
using UnixMillis = std::chrono::milliseconds;

/// Parses a timestamp written as 1 to 16 ASCII digits in `unit`. Signs, spaces, fractions and
/// anything else are rejected so that what is checked is what was signed.
Result<UnixMillis> parse_timestamp(std::string_view text, TimestampUnit unit);

/// Writes `time` in `unit` as the decimal digits a provider would send.
std::string format_timestamp(UnixMillis time, TimestampUnit unit);

} // namespace hooks::providers
