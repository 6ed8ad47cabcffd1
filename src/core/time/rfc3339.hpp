// SPDX-License-Identifier: MIT
/// RFC 3339 date-times as text: the log's received_at, Twitch's message timestamps.
#pragma once

#include "core/error.hpp"

#include <chrono>
#include <string_view>

namespace hooks::time {

/// Parses an RFC 3339 date-time: "2026-11-23T13:20:00Z", an optional fraction (kept to the
/// millisecond, rounded down) and 'Z' or an offset such as "+02:00". Fails (input error) on
/// anything else, an impossible date, or a time outside what system_clock can hold.
Result<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

} // namespace hooks::time
