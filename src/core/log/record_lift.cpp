// SPDX-License-Identifier: MIT
// lift_body, declared in record_parse.hpp: parse_json_line's fast path. A 1 KB body takes
// ~2.4 KB of a ~3 KB line as body_b64 and body_text; nlohmann::json copies both a byte at a
// time, while here they are checked in place and the rest of the line is left for nlohmann.
#include "core/crypto/encoding.hpp"
#include "core/log/record_parse.hpp"
#include "core/text/json_scanner.hpp"
#include "core/text/text.hpp"

#include <cstdint>

namespace hooks::log::detail {
namespace {

using text::JsonTokenKind;

// Deeper lines are left to the general parser; a log line nests three levels.
constexpr std::size_t k_max_depth = 64;

// The top-level string values of body_b64 and body_text as written, quotes included; a view
// with no data when the field is absent.
struct BigStrings {
    std::string_view b64;
    std::string_view text;
};

// Where the value of the top-level key `key` (as written) goes: nothing for other keys.
// Fails on a key with an escape, which nlohmann would read as another name, and on a second
// body_b64 or body_text, whose value nlohmann would take in place of the first.
bool select_field(std::string_view key, BigStrings& found, std::string_view*& pending) {
    pending = nullptr;
    if (key.find('\\') != std::string_view::npos) {
        return false;
    }
    if (key == R"("body_b64")") {
        pending = &found.b64;
    } else if (key == R"("body_text")") {
        pending = &found.text;
    }
    return pending == nullptr || pending->data() == nullptr;
}

// Finds body_b64 and body_text in a line that scans as one JSON object, when both values are
// strings; false otherwise.
bool find_big_strings(std::string_view line, BigStrings& found) {
    text::JsonScanner scanner(line, k_max_depth);
    std::size_t depth = 0;
    std::string_view* pending = nullptr;
    for (auto token = scanner.next(); token; token = scanner.next()) {
        const bool is_top_level = depth == 1;
        switch (token->kind) {
        case JsonTokenKind::begin_object:
        case JsonTokenKind::begin_array:
            if ((depth == 0 && token->kind != JsonTokenKind::begin_object) || pending) {
                return false;
            }
            ++depth;
            break;
        case JsonTokenKind::end_object:
        case JsonTokenKind::end_array:
            --depth;
            break;
        case JsonTokenKind::string:
            if (is_top_level && token->is_key) {
                if (!select_field(token->text, found, pending)) {
                    return false;
                }
            } else if (pending) {
                *pending = token->text;
                pending = nullptr;
            }
            break;
        case JsonTokenKind::number:
        case JsonTokenKind::literal:
            if (pending || depth == 0) {
                return false;
            }
            break;
        case JsonTokenKind::colon:
        case JsonTokenKind::comma:
            break;
        }
    }
    return !scanner.error() && found.b64.data() != nullptr;
}

// Four hex digits at `at` as a number, or -1.
long hex4(std::string_view raw, std::size_t at) {
    if (at + 4 > raw.size()) {
        return -1;
    }
    long value = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
        int digit = text::hex_digit_value(raw[i]);
        if (digit < 0) {
            return -1;
        }
        value = value * 16 + digit;
    }
    return value;
}

// The UTF-8 bytes of one escape.
struct Unescaped {
    char bytes[4] = {};
    std::size_t length = 0;
};

// Writes code point `code` (below 0x110000, not a surrogate) as UTF-8.
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

// The escape at `at` in a JSON string's contents (raw[at] is '\\'): its bytes as nlohmann
// decodes them (a surrogate pair's escapes give one code point) and its length as written; 0
// when malformed.
std::size_t unescape(std::string_view raw, std::size_t at, Unescaped& out) {
    constexpr std::string_view k_escapes = "\"\\/bfnrt";
    constexpr std::string_view k_bytes = "\"\\/\b\f\n\r\t";
    if (at + 1 >= raw.size()) {
        return 0;
    }
    if (auto simple = k_escapes.find(raw[at + 1]); simple != std::string_view::npos) {
        out.bytes[0] = k_bytes[simple];
        out.length = 1;
        return 2;
    }
    long code = raw[at + 1] == 'u' ? hex4(raw, at + 2) : -1;
    std::size_t length = 6;
    if (code >= 0xd800 && code <= 0xdbff) {
        bool is_escape = at + 7 < raw.size() && raw[at + 6] == '\\' && raw[at + 7] == 'u';
        long low = is_escape ? hex4(raw, at + 8) : -1;
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

// Whether the contents of a JSON string, as written, decode to exactly `bytes`: plain runs are
// compared as they are, escapes one at a time.
bool decodes_to(std::string_view raw, std::string_view bytes) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (true) {
        std::size_t run = text::json_plain_prefix(raw.substr(i));
        if (run > bytes.size() - j || raw.substr(i, run) != bytes.substr(j, run)) {
            return false;
        }
        i += run;
        j += run;
        if (i == raw.size()) {
            return j == bytes.size();
        }
        Unescaped unescaped;
        std::size_t length = raw[i] == '\\' ? unescape(raw, i, unescaped) : 0;
        if (length == 0 ||
            bytes.substr(j, unescaped.length) != std::string_view(unescaped.bytes, unescaped.length)) {
            return false;
        }
        i += length;
        j += unescaped.length;
    }
}

// A JSON string's contents: its text as written without the quotes.
std::string_view contents(std::string_view quoted) {
    return quoted.substr(1, quoted.size() - 2);
}

// `line` with the values `first` and `second` (views into it, `second` possibly without data)
// replaced by "".
void blank_out(std::string_view line, std::string_view first, std::string_view second,
               std::string& out) {
    if (second.data() != nullptr && second.data() < first.data()) {
        std::swap(first, second);
    }
    out.clear();
    std::size_t from = 0;
    for (std::string_view value : {first, second}) {
        if (value.data() == nullptr) {
            continue;
        }
        auto offset = static_cast<std::size_t>(value.data() - line.data());
        out.append(line.substr(from, offset - from)).append(R"("")");
        from = offset + value.size();
    }
    out.append(line.substr(from));
}

} // namespace

bool lift_body(std::string_view line, LiftedBody& out) {
    BigStrings found;
    if (!find_big_strings(line, found)) {
        return false;
    }
    std::string_view b64 = contents(found.b64);
    if (b64.find('\\') != std::string_view::npos) {
        return false;
    }
    auto body = crypto::base64_decode(b64);
    if (!body) {
        return false;
    }
    if (found.text.data() != nullptr) {
        // nlohmann rejects a string that is not UTF-8; the escapes themselves are ASCII.
        std::string_view text = contents(found.text);
        if (!text::is_valid_utf8(text) || !decodes_to(text, *body)) {
            return false;
        }
    }
    out.body = std::move(*body);
    blank_out(line, found.b64, found.text, out.rest);
    return true;
}

} // namespace hooks::log::detail
