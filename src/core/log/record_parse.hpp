// SPDX-License-Identifier: MIT
/// The two halves of parse_json_line (record.hpp), apart for their tests and the differential
/// fuzz target: the general parser, and a fast path for lines as the log writer writes them.
#pragma once

#include "core/error.hpp"
#include "core/log/record.hpp"

#include <optional>
#include <string_view>

namespace hooks::log::detail {

/// parse_json_line by nlohmann::json over the whole line: the reference for every line.
Result<Record> parse_json_line_slow(std::string_view line);

/// parse_json_line without nlohmann::json, for lines in the shape the log writer gives them: one
/// JSON object at most 64 levels deep, no escapes in keys, no duplicate keys that the record
/// reads, every number a plain integer of at most 19 digits, text fields as strings rather than
/// {"b64": ...}. Nothing for any other line, which includes every line that
/// parse_json_line_slow rejects; otherwise the record that parse_json_line_slow returns.
std::optional<Record> parse_json_line_fast(std::string_view line);

} // namespace hooks::log::detail
