// SPDX-License-Identifier: MIT
/// Small text helpers shared by the parsers and the messages that quote their input.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hooks::text {

/// `value`, a whole number, in decimal at the end of `out` (no string made on the way).
template <typename Integer> void append_number(std::string& out, Integer value) {
    std::array<char, 24> digits{};
    out.append(digits.data(),
               std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr);
}

/// `text` without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view text);

/// Up to 40 characters of `text` with bytes outside printable ASCII shown as '?' and "..."
/// when cut, for quoting untrusted input in a one-line message.
std::string printable(std::string_view text);

/// The length in bytes (1 to 4) of the well-formed UTF-8 sequence that starts `text`, or 0 when
/// `text` is empty or starts with an ill-formed one: a stray continuation byte, a truncated
/// sequence, an overlong form, a surrogate (U+D800-U+DFFF) or a value past U+10FFFF.
std::size_t utf8_sequence_length(std::string_view text);

/// Whether `text` is well-formed UTF-8 throughout (RFC 3629); the empty text is.
bool is_valid_utf8(std::string_view text);

/// The length of the run at the start of `text` that a JSON string holds as it is: up to the
/// first '"', '\\' or control byte (below 0x20), or the whole text. Sixteen bytes at a time.
std::size_t json_plain_prefix(std::string_view text);

/// json_plain_prefix() that also stops at the first byte of 0x80 or above (the start of a
/// UTF-8 sequence to check), so that one pass can both check and escape a text.
std::size_t json_plain_ascii_prefix(std::string_view text);

/// Appends `text` as a JSON string, quotes included, if it is valid UTF-8 (checked and escaped
/// in one pass: control characters, '"' and '\\' escaped, everything else as it is). Otherwise
/// leaves `out` as it was and returns false.
bool append_json_string(std::string& out, std::string_view text);

/// append_json_string() for any bytes: each byte that does not start a valid UTF-8 sequence is
/// written as U+FFFD. For reports, where a readable line matters more than the exact bytes.
void append_json_string_lossy(std::string& out, std::string_view text);

/// `json` (JSON text, such as nlohmann's dump with ensure_ascii off) with the characters that a
/// terminal acts on but JSON leaves as they are written as \u escapes: DEL, the C1 controls
/// (U+0080-U+009F), the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) and
/// the line and paragraph separators (U+2028, U+2029). These occur only inside strings, so the
/// result is the same JSON value, safe to print. Other bytes are kept as they are.
std::string escape_json_for_terminal(std::string_view json);

namespace detail {

constexpr std::array<signed char, 256> make_hex_values() {
    std::array<signed char, 256> values{};
    values.fill(-1);
    for (std::size_t i = 0; i < 10; ++i) {
        values['0' + i] = static_cast<signed char>(i);
    }
    for (std::size_t i = 0; i < 6; ++i) {
        values['a' + i] = values['A' + i] = static_cast<signed char>(10 + i);
    }
    return values;
}

inline constexpr std::array<signed char, 256> k_hex_values = make_hex_values();

} // namespace detail

/// The value of a hexadecimal digit (either case), or -1 for any other character. Inline, by
/// table: `listen` decodes every hex signature it checks with it.
inline int hex_digit_value(char c) {
    return detail::k_hex_values[static_cast<unsigned char>(c)];
}

/// One name or value of an application/x-www-form-urlencoded body, decoded: '+' becomes a
/// space and `%XX` its byte. A malformed escape is kept as written. The result may be any
/// bytes, including invalid UTF-8.
std::string decode_form_component(std::string_view text);

/// `text` as a whole decimal number (digits only, no sign or blanks, within 64 bits); nothing
/// otherwise.
std::optional<std::uint64_t> parse_unsigned(std::string_view text);

} // namespace hooks::text
