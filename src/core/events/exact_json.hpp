// SPDX-License-Identifier: MIT
/// JSON values for building request bodies: numbers keep the digits they were written with, and
/// values are written back compactly, in the form JavaScript's JSON.stringify gives.
#pragma once

#include "core/error.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace hooks::events {

/// A JSON value whose objects keep their members in insertion order.
using Json = nlohmann::ordered_json;

/// Parses one JSON text: valid UTF-8, nesting at most 512 levels. Integers that fit 64 bits
/// become JSON integers; every other number (a fraction, an exponent, -0, more than 64 bits) is
/// kept as its exact text, which write_compact writes back unchanged. With duplicate names the
/// first position and the last value win, as with JSON.parse. Fails (input error) with the reason
/// only, for the caller to prefix: "invalid number at byte 12", "invalid UTF-8".
Result<Json> parse_exact(std::string_view text);

/// The number whose JSON text is `text` (not checked), kept exactly as written.
Json exact_number(std::string_view text);

/// The text of a number kept by parse_exact or exact_number; nothing for any other value.
std::optional<std::string_view> kept_number_text(const Json& value);

/// Whether `value` is a JSON number, kept as text or not.
bool is_number(const Json& value);

/// A string's text, a number's digits, "true" or "false": the value as a form field carries it.
/// Nothing for null, objects and arrays.
std::optional<std::string> scalar_text(const Json& value);

/// `value` as compact JSON: no whitespace, members in order, strings escaped as JSON.stringify
/// escapes them (", \ and control characters only; other UTF-8 as is), kept numbers as written.
/// Invalid UTF-8 in a string (which parse_exact never yields) is written as U+FFFD.
std::string write_compact(const Json& value);

/// Whether two values are equal as JavaScript sees parsed JSON: numbers by value (texts that
/// differ are compared as doubles), strings by bytes, objects member by member in any order.
bool is_same_value(const Json& a, const Json& b);

} // namespace hooks::events
