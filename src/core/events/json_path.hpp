// SPDX-License-Identifier: MIT
/// Paths into JSON values, written as JSON Pointers or dotted names, for --set, --map and the
/// event catalog's own fields.
#pragma once

#include "core/error.hpp"
#include "core/events/exact_json.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace hooks::events {

/// A path as reference tokens: member names (unescaped) or array indexes in decimal.
using JsonPath = std::vector<std::string>;

/// Parses a JSON Pointer ("/data/object/amount", RFC 6901 with its ~0 and ~1 escapes) or, when
/// `path` does not start with '/', a dotted path ("data.object.amount", names without escapes:
/// use a pointer for names with dots). Fails (usage error) on an empty path, an empty name in a
/// dotted path, a bad ~ escape or more than 512 names, with a message that does not repeat the
/// path.
Result<JsonPath> parse_path(std::string_view path);

/// `path` as a JSON Pointer ("" for the root), for messages.
std::string format_pointer(const JsonPath& path);

/// The value at `path`, or nullptr when it is not there. Array tokens must be decimal indexes
/// without leading zeros.
const Json* find_at(const Json& root, const JsonPath& path);

/// The value at `path`, or nullptr when it is not there.
Json* find_at(Json& root, const JsonPath& path);

/// Sets the value at `path`. Missing object members are created on the way, and a null on the
/// way becomes an object; "-" as the last token appends to an array. Fails (usage error) naming
/// where it cannot go on: "/data is a string, not an object or array", "/items/7 is past the end
/// of the array (2 items)".
Result<void> set_at(Json& root, const JsonPath& path, Json value);

/// Whether `prefix` is `path` itself or leads to one of its ancestors.
bool starts_with(const JsonPath& path, const JsonPath& prefix);

} // namespace hooks::events
