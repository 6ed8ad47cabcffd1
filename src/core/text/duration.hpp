// SPDX-License-Identifier: MIT
/// Durations as users write them on the command line: "250ms", "5s", "1.5s", "2m", "1h", "0".
#pragma once

#include "core/error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace hooks::text {

/// Parses a non-negative duration: a decimal number followed by ms, s, m or h; a bare number
/// means seconds. Fails with one line quoting the input (usage error). At most 30 days.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

/// "250ms", "5s", "1.5s", "2m", "1h30m" style, for messages.
std::string format_duration(std::chrono::milliseconds duration);

} // namespace hooks::text
