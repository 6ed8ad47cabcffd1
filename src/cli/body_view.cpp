// SPDX-License-Identifier: MIT
#include "cli/body_view.hpp"

#include "core/text/json_scanner.hpp"
#include "core/text/text.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

namespace hooks::cli {
namespace {

constexpr std::string_view k_reset = "\x1b[0m";
constexpr std::string_view k_key_color = "\x1b[1;34m";
constexpr std::string_view k_string_color = "\x1b[32m";
constexpr std::string_view k_number_color = "\x1b[33m";
constexpr std::string_view k_literal_color = "\x1b[35m";
constexpr std::string_view k_dim = "\x1b[2m";

constexpr std::size_t k_dump_bytes = 256;
constexpr std::size_t k_dump_row_bytes = 16;
constexpr std::size_t k_deep_preview_bytes = 1024;
constexpr std::string_view k_see_all = "(--json or --log shows it all)";
constexpr std::string_view k_form_type = "application/x-www-form-urlencoded";

void append_hex(std::string& out, std::size_t value, int digits) {
    constexpr std::string_view k_digits = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
        out.push_back(k_digits[(value >> shift) & 0xfU]);
    }
}

// C1 controls act as escape sequences on some terminals; bidirectional controls and marks
// reorder what is shown (Trojan Source, CVE-2021-42574).
bool is_hidden_code_point(char32_t code_point) {
    return (code_point >= 0x80 && code_point <= 0x9f) ||
           (code_point >= 0x202a && code_point <= 0x202e) ||
           (code_point >= 0x2066 && code_point <= 0x2069) || code_point == 0x200e ||
           code_point == 0x200f || code_point == 0x061c;
}

/// The code point of a well-formed multi-byte UTF-8 sequence.
char32_t decode_sequence(std::string_view sequence) {
    constexpr std::array<unsigned, 5> k_lead_mask{0, 0x7f, 0x1f, 0x0f, 0x07};
    char32_t code_point = static_cast<unsigned char>(sequence[0]) & k_lead_mask[sequence.size()];
    for (std::size_t i = 1; i < sequence.size(); ++i) {
        code_point = (code_point << 6) | (static_cast<unsigned char>(sequence[i]) & 0x3fU);
    }
    return code_point;
}

void append_byte_escape(std::string& out, unsigned char byte) {
    if (byte == '\n' || byte == '\r') {
        out.append(byte == '\n' ? "\\n" : "\\r");
        return;
    }
    out.append("\\x");
    append_hex(out, byte, 2);
}

/// Appends `text` with everything that could drive the terminal escaped. Backslashes are kept
/// as they are, so that JSON escapes read as written.
void append_safe(std::string& out, std::string_view text, bool keeps_newlines) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if ((byte >= 0x20 && byte < 0x7f) || byte == '\t' || (byte == '\n' && keeps_newlines)) {
            out.push_back(text[i]);
            ++i;
            continue;
        }
        std::size_t length = text::utf8_sequence_length(text.substr(i));
        if (length <= 1) { // a C0 control, DEL, or a byte that is not UTF-8
            append_byte_escape(out, byte);
            ++i;
            continue;
        }
        char32_t code_point = decode_sequence(text.substr(i, length));
        if (is_hidden_code_point(code_point)) {
            out.append("\\u");
            append_hex(out, code_point, 4);
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
    }
}

std::string safe_line(std::string_view text) {
    std::string out;
    append_safe(out, text, false);
    return out;
}

void paint(std::string& out, std::string_view color, std::string_view text, bool is_color) {
    if (is_color) {
        out.append(color).append(text).append(k_reset);
    } else {
        out.append(text);
    }
}

void append_note(std::string& out, const std::string& note, bool is_color) {
    paint(out, k_dim, "… " + note, is_color);
    out.push_back('\n');
}

/// `text` ending in '\n', cut after `max_lines` lines with a note saying how many were left.
std::string limit_lines(std::string text, const BodyViewOptions& options) {
    if (text.empty() || text.back() != '\n') {
        text.push_back('\n');
    }
    std::size_t lines = 0;
    std::size_t cut = options.max_lines == 0 ? 0 : std::string::npos;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && ++lines == options.max_lines) {
            cut = i + 1;
        }
    }
    if (lines <= options.max_lines) {
        return text;
    }
    text.resize(cut);
    append_note(text,
                std::to_string(lines - options.max_lines) +
                    (lines - options.max_lines == 1 ? " more line " : " more lines ") +
                    std::string(k_see_all),
                options.color);
    return text;
}

/// The longest prefix of valid UTF-8 `text` with at most `size` bytes that ends on a character.
std::string_view utf8_prefix(std::string_view text, std::size_t size) {
    if (text.size() <= size) {
        return text;
    }
    while (size > 0 && (static_cast<unsigned char>(text[size]) & 0xc0U) == 0x80) {
        --size;
    }
    return text.substr(0, size);
}

std::string text_view(std::string_view body, const BodyViewOptions& options) {
    std::string out;
    append_safe(out, body, true);
    return limit_lines(std::move(out), options);
}

/// The first `shown_bytes` of the body as received, then `note` and where the body was cut.
std::string raw_view(std::string_view body, std::size_t shown_bytes, std::string note,
                     const BodyViewOptions& options) {
    std::string_view shown = utf8_prefix(body, shown_bytes);
    std::string out = text_view(shown, options);
    if (shown.size() < body.size()) {
        note += (note.empty() ? "" : ": ") + std::string("first ") + std::to_string(shown.size()) +
                " of " + std::to_string(body.size()) + " bytes shown " + std::string(k_see_all);
    }
    if (!note.empty()) {
        append_note(out, note, options.color);
    }
    return out;
}

void append_dump_row(std::string& out, std::string_view bytes, std::size_t offset) {
    append_hex(out, offset, 8);
    out.append("  ");
    std::string_view row = bytes.substr(offset, k_dump_row_bytes);
    for (std::size_t i = 0; i < k_dump_row_bytes; ++i) {
        out.append(i == 8 ? " " : "");
        if (i < row.size()) {
            append_hex(out, static_cast<unsigned char>(row[i]), 2);
            out.push_back(' ');
        } else {
            out.append("   ");
        }
    }
    out.append(" |");
    for (char c : row) {
        out.push_back(c >= 0x20 && c < 0x7f ? c : '.');
    }
    out.append("|\n");
}

std::string binary_view(std::string_view body, const BodyViewOptions& options) {
    std::string out = "(binary, " + std::to_string(body.size()) + " bytes)\n";
    std::string_view shown = body.substr(0, k_dump_bytes);
    for (std::size_t offset = 0; offset < shown.size(); offset += k_dump_row_bytes) {
        append_dump_row(out, shown, offset);
    }
    if (shown.size() < body.size()) {
        append_note(out,
                    std::to_string(body.size() - shown.size()) + " more bytes " +
                        std::string(k_see_all),
                    options.color);
    }
    return out;
}

bool is_form(std::string_view content_type) {
    std::string_view media_type = text::trim_blanks(content_type.substr(0, content_type.find(';')));
    return std::equal(media_type.begin(), media_type.end(), k_form_type.begin(), k_form_type.end(),
                      [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a + 32 : a) == b; });
}

std::string form_view(std::string_view body, const BodyViewOptions& options) {
    std::string out;
    while (!body.empty()) {
        std::string_view field = body.substr(0, body.find('&'));
        body.remove_prefix(std::min(body.size(), field.size() + 1));
        if (field.empty()) {
            continue;
        }
        std::size_t equals = field.find('=');
        paint(out, k_key_color, safe_line(text::decode_form_component(field.substr(0, equals))),
              options.color);
        if (equals != std::string_view::npos) {
            out.append(" = ");
            append_safe(out, text::decode_form_component(field.substr(equals + 1)), false);
        }
        out.push_back('\n');
    }
    return limit_lines(std::move(out), options);
}

std::string_view token_color(const text::JsonToken& token) {
    switch (token.kind) {
    case text::JsonTokenKind::string:
        return token.is_key ? k_key_color : k_string_color;
    case text::JsonTokenKind::number:
        return k_number_color;
    case text::JsonTokenKind::literal:
        return k_literal_color;
    default:
        return k_dim;
    }
}

bool is_closer(const std::optional<text::JsonToken>& token) {
    return token && (token->kind == text::JsonTokenKind::end_object ||
                     token->kind == text::JsonTokenKind::end_array);
}

/// Valid JSON re-indented token by token; empty containers stay "{}" and "[]".
std::string pretty_json(std::string_view body, std::size_t max_depth, bool is_color) {
    text::JsonScanner scanner(body, max_depth);
    std::string out;
    std::size_t depth = 0;
    auto new_line = [&out, &depth] { out.append("\n").append(depth * 2, ' '); };
    std::optional<text::JsonToken> pending;
    while (auto token = pending ? std::exchange(pending, std::nullopt) : scanner.next()) {
        switch (token->kind) {
        case text::JsonTokenKind::begin_object:
        case text::JsonTokenKind::begin_array:
            paint(out, k_dim, token->text, is_color);
            pending = scanner.next();
            if (is_closer(pending)) {
                paint(out, k_dim, std::exchange(pending, std::nullopt)->text, is_color);
            } else {
                ++depth;
                new_line();
            }
            break;
        case text::JsonTokenKind::end_object:
        case text::JsonTokenKind::end_array:
            --depth;
            new_line();
            paint(out, k_dim, token->text, is_color);
            break;
        case text::JsonTokenKind::comma:
            paint(out, k_dim, token->text, is_color);
            new_line();
            break;
        case text::JsonTokenKind::colon:
            paint(out, k_dim, token->text, is_color);
            out.push_back(' ');
            break;
        default:
            paint(out, token_color(*token), safe_line(token->text), is_color);
        }
    }
    out.push_back('\n');
    return out;
}

/// The JSON view, or nothing when the body is not JSON.
std::optional<std::string> json_view(std::string_view body, const BodyViewOptions& options) {
    auto max_depth = static_cast<std::size_t>(std::max(options.max_depth, 0));
    auto error = text::check_json(body, max_depth);
    if (error && error->is_too_deep) {
        return raw_view(body, std::min(options.max_bytes, k_deep_preview_bytes),
                        "JSON nested deeper than " + std::to_string(max_depth) +
                            " levels, not re-indented",
                        options);
    }
    if (error) {
        return std::nullopt;
    }
    return limit_lines(pretty_json(body, max_depth, options.color), options);
}

} // namespace

std::string render_body(std::string_view body, std::string_view content_type,
                        const BodyViewOptions& options) {
    if (body.empty()) {
        return "(empty body)\n";
    }
    if (!text::is_valid_utf8(body) || body.find('\0') != std::string_view::npos) {
        return binary_view(body, options);
    }
    if (body.size() > options.max_bytes) {
        return raw_view(body, options.max_bytes, "", options);
    }
    if (auto json = json_view(body, options)) {
        return *std::move(json);
    }
    if (is_form(content_type)) {
        return form_view(body, options);
    }
    return text_view(body, options);
}

std::string terminal_safe(std::string_view text) {
    return safe_line(text);
}

} // namespace hooks::cli
