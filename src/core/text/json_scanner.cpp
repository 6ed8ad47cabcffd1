// SPDX-License-Identifier: MIT
#include "core/text/json_scanner.hpp"

#include "core/text/text.hpp"

namespace hooks::text {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/// The value of the four hex digits after "\u" at `at`, or -1.
long unicode_escape(std::string_view text, std::size_t at) {
    if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') {
        return -1;
    }
    long value = 0;
    for (std::size_t i = at + 2; i < at + 6; ++i) {
        int digit = hex_digit_value(text[i]);
        if (digit < 0) {
            return -1;
        }
        value = value * 16 + digit;
    }
    return value;
}

/// How many digits start `text` at `at`.
std::size_t digits_at(std::string_view text, std::size_t at) {
    std::size_t count = 0;
    while (at + count < text.size() && is_digit(text[at + count])) {
        ++count;
    }
    return count;
}

/// The UTF-8 bytes of one escape.
struct Unescaped {
    char bytes[4] = {};
    std::size_t length = 0;
};

/// Writes `code` (below 0x110000, not a surrogate) as UTF-8.
void encode_utf8(long code, Unescaped& out) {
    auto byte = [](long value) { return static_cast<char>(static_cast<unsigned char>(value)); };
    if (code < 0x80) {
        out.bytes[0] = byte(code);
        out.length = 1;
    } else if (code < 0x800) {
        out.bytes[0] = byte(0xc0 | (code >> 6));
        out.bytes[1] = byte(0x80 | (code & 0x3f));
        out.length = 2;
    } else if (code < 0x10000) {
        out.bytes[0] = byte(0xe0 | (code >> 12));
        out.bytes[1] = byte(0x80 | ((code >> 6) & 0x3f));
        out.bytes[2] = byte(0x80 | (code & 0x3f));
        out.length = 3;
    } else {
        out.bytes[0] = byte(0xf0 | (code >> 18));
        out.bytes[1] = byte(0x80 | ((code >> 12) & 0x3f));
        out.bytes[2] = byte(0x80 | ((code >> 6) & 0x3f));
        out.bytes[3] = byte(0x80 | (code & 0x3f));
        out.length = 4;
    }
}

/// The escape at `at` (text[at] is '\\'): its bytes (a surrogate pair's two escapes give one
/// code point) and its length as written; 0 when malformed.
std::size_t unescape(std::string_view text, std::size_t at, Unescaped& out) {
    constexpr std::string_view k_escapes = "\"\\/bfnrt";
    constexpr std::string_view k_bytes = "\"\\/\b\f\n\r\t";
    if (at + 1 >= text.size()) {
        return 0;
    }
    if (auto simple = k_escapes.find(text[at + 1]); simple != std::string_view::npos) {
        out.bytes[0] = k_bytes[simple];
        out.length = 1;
        return 2;
    }
    long code = unicode_escape(text, at);
    std::size_t length = 6;
    if (code >= 0xd800 && code <= 0xdbff) {
        long low = unicode_escape(text, at + 6);
        if (low < 0xdc00 || low > 0xdfff) {
            return 0;
        }
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        length = 12;
    } else if (code < 0 || (code >= 0xdc00 && code <= 0xdfff)) {
        return 0;
    }
    encode_utf8(code, out);
    return length;
}

/// Walks a string token's contents: `run(plain)` for each run of bytes kept as they are and
/// `run(decoded)` for each escape, in order, while `run` returns true. False when `token` is
/// not a quoted string with valid escapes or `run` stopped.
template <typename Run> bool walk_json_string(std::string_view token, Run&& run) {
    if (token.size() < 2 || token.front() != '"' || token.back() != '"') {
        return false;
    }
    std::string_view contents = token.substr(1, token.size() - 2);
    std::size_t i = 0;
    while (true) {
        std::size_t plain = json_plain_prefix(contents.substr(i));
        if (plain > 0 && !run(contents.substr(i, plain))) {
            return false;
        }
        i += plain;
        if (i == contents.size()) {
            return true;
        }
        Unescaped unescaped;
        std::size_t length = contents[i] == '\\' ? unescape(contents, i, unescaped) : 0;
        if (length == 0 || !run(std::string_view(unescaped.bytes, unescaped.length))) {
            return false;
        }
        i += length;
    }
}

} // namespace

JsonScanner::JsonScanner(std::string_view text, std::size_t max_depth)
    : m_text(text), m_max_depth(max_depth) {}

std::optional<JsonToken> JsonScanner::next() {
    if (m_error) {
        return std::nullopt;
    }
    skip_whitespace();
    if (m_position == m_text.size()) {
        if (m_expect == Expect::done) {
            return std::nullopt;
        }
        return fail(m_position == 0 ? "empty text" : "unexpected end of text");
    }
    const char c = m_text[m_position];
    switch (m_expect) {
    case Expect::value_or_end:
        if (c == ']') {
            return close();
        }
        return scan_value();
    case Expect::value:
        return scan_value();
    case Expect::key_or_end:
        if (c == '}') {
            return close();
        }
        [[fallthrough]];
    case Expect::key: {
        if (c != '"') {
            return fail("expected a string key");
        }
        std::string_view reason;
        std::size_t length = string_length(reason);
        if (length == 0) {
            return fail(reason);
        }
        m_expect = Expect::colon;
        return take(JsonTokenKind::string, length, true);
    }
    case Expect::colon:
        if (c != ':') {
            return fail("expected ':'");
        }
        m_expect = Expect::value;
        return take(JsonTokenKind::colon, 1);
    case Expect::comma_or_end:
        return scan_after_value();
    case Expect::done:
        break;
    }
    return fail("unexpected data after the value");
}

std::optional<JsonToken> JsonScanner::scan_value() {
    const char c = m_text[m_position];
    if (c == '{') {
        return open(JsonTokenKind::begin_object, '}');
    }
    if (c == '[') {
        return open(JsonTokenKind::begin_array, ']');
    }
    std::size_t length = 0;
    JsonTokenKind kind = JsonTokenKind::literal;
    if (c == '"') {
        std::string_view reason;
        length = string_length(reason);
        if (length == 0) {
            return fail(reason);
        }
        kind = JsonTokenKind::string;
    } else if (c == '-' || is_digit(c)) {
        length = number_length();
        if (length == 0) {
            return fail("invalid number");
        }
        kind = JsonTokenKind::number;
    } else {
        for (std::string_view literal : {"true", "false", "null"}) {
            if (m_text.substr(m_position, literal.size()) == literal) {
                length = literal.size();
            }
        }
        if (length == 0) {
            return fail("unexpected character");
        }
    }
    m_expect = expect_after_value();
    return take(kind, length);
}

std::optional<JsonToken> JsonScanner::scan_after_value() {
    const char c = m_text[m_position];
    if (c == ',') {
        m_expect = m_closers.back() == '}' ? Expect::key : Expect::value;
        return take(JsonTokenKind::comma, 1);
    }
    if (c == m_closers.back()) {
        return close();
    }
    return fail(m_closers.back() == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
}

std::optional<JsonToken> JsonScanner::open(JsonTokenKind kind, char closer) {
    if (m_closers.size() >= m_max_depth) {
        return fail("nested too deep", true);
    }
    m_closers.push_back(closer);
    m_expect = closer == '}' ? Expect::key_or_end : Expect::value_or_end;
    return take(kind, 1);
}

std::optional<JsonToken> JsonScanner::close() {
    const char closer = m_closers.back();
    m_closers.pop_back();
    m_expect = expect_after_value();
    return take(closer == '}' ? JsonTokenKind::end_object : JsonTokenKind::end_array, 1);
}

std::optional<JsonToken> JsonScanner::take(JsonTokenKind kind, std::size_t length, bool is_key) {
    JsonToken token{kind, m_text.substr(m_position, length), is_key};
    m_position += length;
    return token;
}

std::optional<JsonToken> JsonScanner::fail(std::string_view reason, bool is_too_deep) {
    m_error = JsonScanError{m_position, reason, is_too_deep};
    return std::nullopt;
}

JsonScanner::Expect JsonScanner::expect_after_value() const {
    return m_closers.empty() ? Expect::done : Expect::comma_or_end;
}

void JsonScanner::skip_whitespace() {
    while (m_position < m_text.size()) {
        const char c = m_text[m_position];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return;
        }
        ++m_position;
    }
}

// The string starting at m_position, quotes included; 0 with a reason when malformed. Lone
// surrogate escapes are rejected as nlohmann::json and I-JSON (RFC 7493) do, so that text this
// scanner accepts also parses there.
std::size_t JsonScanner::string_length(std::string_view& reason) const {
    std::size_t i = m_position + 1;
    while (i < m_text.size()) {
        // Skip what needs no look (most of a string) eight bytes at a time.
        i += json_plain_prefix(m_text.substr(i));
        if (i == m_text.size()) {
            break;
        }
        const auto c = static_cast<unsigned char>(m_text[i]);
        if (c == '"') {
            return i + 1 - m_position;
        }
        if (c < 0x20) {
            reason = "control character in a string";
            return 0;
        }
        if (c != '\\') {
            ++i;
            continue;
        }
        if (i + 1 < m_text.size() &&
            std::string_view("\"\\/bfnrt").find(m_text[i + 1]) != std::string_view::npos) {
            i += 2;
            continue;
        }
        long value = unicode_escape(m_text, i);
        if (value < 0) {
            reason = "invalid escape in a string";
            return 0;
        }
        i += 6;
        if (value >= 0xdc00 && value <= 0xdfff) {
            reason = "lone surrogate escape in a string";
            return 0;
        }
        if (value >= 0xd800 && value <= 0xdbff) {
            long low = unicode_escape(m_text, i);
            if (low < 0xdc00 || low > 0xdfff) {
                reason = "lone surrogate escape in a string";
                return 0;
            }
            i += 6;
        }
    }
    reason = "unterminated string";
    return 0;
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? starting at m_position, or 0.
std::size_t JsonScanner::number_length() const {
    std::size_t i = m_position;
    if (m_text[i] == '-') {
        ++i;
    }
    std::size_t integer_digits = digits_at(m_text, i);
    if (integer_digits == 0 || (integer_digits > 1 && m_text[i] == '0')) {
        return 0;
    }
    i += integer_digits;
    if (i < m_text.size() && m_text[i] == '.') {
        std::size_t fraction_digits = digits_at(m_text, i + 1);
        if (fraction_digits == 0) {
            return 0;
        }
        i += 1 + fraction_digits;
    }
    if (i < m_text.size() && (m_text[i] == 'e' || m_text[i] == 'E')) {
        ++i;
        if (i < m_text.size() && (m_text[i] == '+' || m_text[i] == '-')) {
            ++i;
        }
        std::size_t exponent_digits = digits_at(m_text, i);
        if (exponent_digits == 0) {
            return 0;
        }
        i += exponent_digits;
    }
    return i - m_position;
}

std::optional<JsonScanError> check_json(std::string_view text, std::size_t max_depth) {
    JsonScanner scanner(text, max_depth);
    while (scanner.next()) {
    }
    return scanner.error();
}

bool decode_json_string(std::string_view token, std::string& out) {
    out.clear();
    return walk_json_string(token, [&out](std::string_view piece) {
        out.append(piece);
        return true;
    });
}

bool json_string_equals(std::string_view token, std::string_view bytes) {
    std::size_t matched = 0;
    bool is_equal = walk_json_string(token, [bytes, &matched](std::string_view piece) {
        if (bytes.substr(matched, piece.size()) != piece) {
            return false;
        }
        matched += piece.size();
        return true;
    });
    return is_equal && matched == bytes.size();
}

} // namespace hooks::text
