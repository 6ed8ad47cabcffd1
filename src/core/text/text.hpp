// SPDX-License-Identifier: MIT
/// Small text helpers shared by the parsers and the messages that quote their input.
#pragma once

#include <string>
#include <string_view>

namespace hooks::text {

/// `text` without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view text);

/// Up to 40 characters of `text` with bytes outside printable ASCII shown as '?' and "..."
/// when cut, for quoting untrusted input in a one-line message.
std::string printable(std::string_view text);

} // namespace hooks::text
