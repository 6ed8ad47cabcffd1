// SPDX-License-Identifier: MIT
/// Byte encodings: hex and base64 (standard alphabet, padded).
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace hooks::crypto {

/// Lower-case hex of the bytes.
std::string hex_encode(std::string_view bytes);

/// hex_encode() appended to `out`, without a string of its own.
void append_hex(std::string& out, std::string_view bytes);

/// Decodes hex (either case); fails on odd length or a non-hex character.
Result<std::string> hex_decode(std::string_view text);

/// Standard base64 with `=` padding.
std::string base64_encode(std::string_view bytes);

/// base64_encode() appended to `out`, without a string of its own.
void append_base64(std::string& out, std::string_view bytes);

/// Decodes standard base64. Padding is optional; whitespace, the URL-safe alphabet and
/// non-zero trailing bits are rejected so that one encoded form maps to one byte string.
Result<std::string> base64_decode(std::string_view text);

} // namespace hooks::crypto
