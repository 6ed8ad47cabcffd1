// SPDX-License-Identifier: MIT
/// A pull tokenizer that checks JSON grammar as it goes, without recursion and without
/// converting anything: tokens are views of the bytes as received.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hooks::text {

/// What a JSON token is.
enum class JsonTokenKind {
    begin_object, ///< {
    end_object,   ///< }
    begin_array,  ///< [
    end_array,    ///< ]
    colon,        ///< :
    comma,        ///< ,
    string,       ///< "..." with its quotes and escapes as written
    number,       ///< as written, of any length or exponent
    literal,      ///< true, false or null
};

/// One token: its kind and its exact bytes in the scanned text.
struct JsonToken {
    JsonTokenKind kind = JsonTokenKind::literal;
    std::string_view text;
    bool is_key = false; ///< a string in key position of an object
};

/// Where and why scanning stopped before the end of a well-formed value.
struct JsonScanError {
    std::size_t offset = 0;   ///< byte offset of the offending byte (the text size at the end)
    std::string_view reason;  ///< "invalid number", "unexpected end of text", ...
    bool is_too_deep = false; ///< the text nests containers deeper than allowed
};

/// Splits one JSON text (RFC 8259) into tokens, checking its grammar: exactly one value with
/// optional whitespace around it, strings without raw control bytes, valid escapes and no lone
/// surrogate escapes, numbers in JSON syntax (any size: nothing is converted), and at most
/// `max_depth` nested objects and arrays. Bytes >= 0x80 are passed through; check UTF-8
/// separately. Never recursive, never throws on input; the text must outlive the scanner.
class JsonScanner {
  public:
    /// A scanner over `text`, allowing `max_depth` levels of nesting.
    JsonScanner(std::string_view text, std::size_t max_depth);

    /// The next token, or nothing once the value is complete and only whitespace remains, or
    /// at the first error (then error() says why, and every later call returns nothing).
    std::optional<JsonToken> next();

    /// Why scanning stopped early, once next() has returned nothing because of an error.
    const std::optional<JsonScanError>& error() const { return m_error; }

  private:
    enum class Expect { value, value_or_end, key, key_or_end, colon, comma_or_end, done };

    std::optional<JsonToken> fail(std::string_view reason, bool is_too_deep = false);
    std::optional<JsonToken> scan_value();
    std::optional<JsonToken> scan_after_value();
    std::optional<JsonToken> open(JsonTokenKind kind, char closer);
    std::optional<JsonToken> close();
    std::optional<JsonToken> take(JsonTokenKind kind, std::size_t length, bool is_key = false);
    std::size_t string_length(std::string_view& reason) const;
    std::size_t number_length() const;
    void skip_whitespace();
    Expect expect_after_value() const;

    std::string_view m_text;
    std::size_t m_position = 0;
    std::size_t m_max_depth;
    std::vector<char> m_closers;
    Expect m_expect = Expect::value;
    std::optional<JsonScanError> m_error;
};

/// Whether `text` is one well-formed JSON value nesting at most `max_depth` levels; the
/// error says where it is not.
std::optional<JsonScanError> check_json(std::string_view text, std::size_t max_depth);

/// The value of a string token as JsonScanner returns it (quotes included), decoded into `out`
/// as nlohmann::json decodes it: the simple escapes replaced, \uXXXX and surrogate pairs
/// written as UTF-8, every other byte kept. False (`out` then unspecified) when `token` is not
/// a quoted string with valid escapes.
bool decode_json_string(std::string_view token, std::string& out);

/// Whether a string token (as for decode_json_string) decodes to exactly `bytes`; compared in
/// place, without a decoded copy. False as well when `token` is not a valid string.
bool json_string_equals(std::string_view token, std::string_view bytes);

} // namespace hooks::text
